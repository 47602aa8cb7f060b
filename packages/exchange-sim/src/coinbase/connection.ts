/**
 * One Coinbase Exchange client connection (exchanges.md 3.1): the subscribe deadline (no
 * subscribe within it: the connection is cut, as clients saw "close 1006 unexpected EOF"), the
 * client-message limit (close 1008), subscribe/unsubscribe answered with the cumulative
 * `subscriptions` message whose product order differs from the request's, and the latest
 * ticker / last_match replayed to a new subscriber.
 * Docs: https://docs.cdp.coinbase.com/exchange/websocket-feed/overview and /rate-limits
 */
import type { FaultState } from '../fault-state';
import { IncomingRateWindow } from '../incoming-rate-window';
import { derivedRandom, randomInt, type Random } from '../prng';
import type { HubClient, StreamHub } from '../stream-hub';
import type { VenueSocket } from '../venue/venue-socket';
import { CloseReason } from '../venue/venue-stats';
import { parseCoinbaseClientMessage, type ChannelProduct } from './client-messages';
import type { CoinbaseFeed } from './feed';
import type { ResolvedCoinbaseSimOptions } from './options';
import { coinbaseStream, subscriptionsText, type CoinbaseSimChannel } from './payloads';
import type { CoinbaseSimStats } from './sim-api';

/** Close code and reason for exceeding the client-message limit. */
export const COINBASE_RATE_LIMIT_CLOSE_CODE = 1008;
export const COINBASE_RATE_LIMIT_CLOSE_REASON = 'Too many messages';

/** What a connection needs from the simulator. */
export interface CoinbaseConnectionContext {
  readonly options: ResolvedCoinbaseSimOptions;
  readonly feed: CoinbaseFeed;
  readonly hub: StreamHub;
  readonly stats: CoinbaseSimStats;
  readonly faults: FaultState;
  readonly clock: () => number;
}

function shuffle<T>(items: readonly T[], random: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(random, i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** A shuffle that never returns the input order when there are two or more items. */
export function shuffleUnlike<T>(items: readonly T[], random: Random): T[] {
  const out = shuffle(items, random);
  if (out.length > 1 && out.every((item, i) => item === items[i])) out.push(out.shift() as T);
  return out;
}

export class CoinbaseConnection implements HubClient {
  /** HubClient: Coinbase messages have no envelope. */
  readonly combined = false;
  /** Products per channel, in subscription order. */
  private readonly channels = new Map<CoinbaseSimChannel, Set<string>>();
  private readonly incoming: IncomingRateWindow;
  /** Orders acknowledgements: seeded per connection, so a seed replays the same answers. */
  private readonly random: Random;
  private deadline: NodeJS.Timeout | undefined;

  constructor(
    readonly socket: VenueSocket,
    private readonly ctx: CoinbaseConnectionContext,
  ) {
    this.incoming = new IncomingRateWindow(ctx.options.maxClientMessagesPerSecond);
    this.random = derivedRandom(ctx.options.seed, `coinbase/acks/${socket.id}`);
  }

  start(): void {
    this.socket.onText((text) => this.onText(text));
    this.socket.onClosed(() => this.cleanUp());
    this.deadline = setTimeout(() => {
      this.deadline = undefined;
      this.socket.terminate(CloseReason.SUBSCRIBE_DEADLINE);
    }, this.ctx.options.subscribeDeadlineMs);
  }

  /** HubClient: one message of a subscribed stream. */
  sendFrame(frame: Buffer): void {
    this.socket.send(frame);
  }

  private onText(text: string): void {
    const { stats, clock } = this.ctx;
    stats.messagesIn += 1;
    if (!this.incoming.hit(clock())) {
      stats.closed1008 += 1;
      this.socket.closeWith(
        COINBASE_RATE_LIMIT_CLOSE_CODE,
        COINBASE_RATE_LIMIT_CLOSE_REASON,
        CloseReason.RATE_LIMIT,
      );
      return;
    }
    const message = parseCoinbaseClientMessage(text, (id) => this.ctx.feed.products.has(id));
    switch (message.kind) {
      case 'error':
        if (message.malformed) stats.malformedMessagesIn += 1;
        stats.errorsSent += 1;
        this.socket.send(message.response);
        return;
      case 'subscribe':
        this.subscribe(message.pairs);
        return;
      case 'unsubscribe':
        this.unsubscribe(message.pairs, message.wholeChannels);
        return;
    }
  }

  private subscribe(pairs: readonly ChannelProduct[]): void {
    const { stats, hub } = this.ctx;
    stats.subscribes += 1;
    if (this.deadline) clearTimeout(this.deadline);
    this.deadline = undefined;
    const added: ChannelProduct[] = [];
    for (const pair of pairs) {
      let products = this.channels.get(pair.channel);
      if (!products) {
        products = new Set();
        this.channels.set(pair.channel, products);
      }
      if (products.has(pair.productId)) continue;
      products.add(pair.productId);
      stats.subscriptions += 1;
      hub.subscribe(this, coinbaseStream(pair.channel, pair.productId));
      added.push(pair);
    }
    this.acknowledge();
    this.replay(added);
  }

  private unsubscribe(pairs: readonly ChannelProduct[], wholeChannels: readonly CoinbaseSimChannel[]): void {
    this.ctx.stats.unsubscribes += 1;
    for (const { channel, productId } of pairs) this.remove(channel, productId);
    for (const channel of wholeChannels) {
      for (const productId of [...(this.channels.get(channel) ?? [])]) this.remove(channel, productId);
    }
    this.acknowledge();
  }

  private remove(channel: CoinbaseSimChannel, productId: string): void {
    const products = this.channels.get(channel);
    if (!products?.delete(productId)) return;
    this.ctx.stats.subscriptions -= 1;
    this.ctx.hub.unsubscribe(this, coinbaseStream(channel, productId));
    if (products.size === 0) this.channels.delete(channel);
  }

  /** The whole subscription state, product order shuffled away from subscription order. */
  private acknowledge(): void {
    const channels = shuffle([...this.channels.entries()], this.random).map(
      ([name, products]) => [name, shuffleUnlike([...products], this.random)] as const,
    );
    if (this.socket.send(subscriptionsText(channels))) this.ctx.stats.acksSent += 1;
  }

  /**
   * The latest ticker (and last_match) of each newly subscribed product, as the real server
   * sends right after subscribing: the `time` is the old trade's, possibly seconds ago.
   */
  private replay(added: readonly ChannelProduct[]): void {
    if (this.ctx.faults.stalled) return;
    for (const { channel, productId } of added) {
      const feed = this.ctx.feed.products.get(productId);
      if (!feed || channel === 'heartbeat') continue;
      const message = channel === 'ticker' ? feed.lastTicker : feed.lastMatch;
      if (this.socket.send(message.json)) this.ctx.stats.replaysSent += 1;
    }
  }

  private cleanUp(): void {
    if (this.deadline) clearTimeout(this.deadline);
    this.deadline = undefined;
    for (const [channel, products] of this.channels) {
      for (const productId of products) this.ctx.hub.unsubscribe(this, coinbaseStream(channel, productId));
      this.ctx.stats.subscriptions -= products.size;
    }
    this.channels.clear();
  }
}
