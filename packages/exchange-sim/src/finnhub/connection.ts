/**
 * One Finnhub client connection (exchanges.md 2.1): subscriptions by symbol with no
 * acknowledgement, the per-connection symbol limit (an error frame, then silence for the
 * overflow), trade elements batched into one frame per batch interval, and `{"type":"ping"}`
 * text frames when the connection has been idle for the ping interval.
 * Docs: https://finnhub.io/docs/api/websocket-trades
 */
import type { FaultState } from '../fault-state';
import type { HubClient, StreamHub } from '../stream-hub';
import type { VenueSocket } from '../venue/venue-socket';
import { parseFinnhubClientMessage } from './client-messages';
import type { ResolvedFinnhubSimOptions } from './options';
import {
  FINNHUB_PING_FRAME,
  FINNHUB_TOO_MANY_SYMBOLS_FRAME,
  TRADE_FRAME_PREFIX,
  TRADE_FRAME_SUFFIX,
} from './payloads';
import type { FinnhubSimStats } from './sim-api';

const FRAME_PREFIX = Buffer.from(TRADE_FRAME_PREFIX);
const FRAME_SUFFIX = Buffer.from(TRADE_FRAME_SUFFIX);
const ELEMENT_SEPARATOR = Buffer.from(',');

/** What a connection needs from the simulator. */
export interface FinnhubConnectionContext {
  readonly options: ResolvedFinnhubSimOptions;
  readonly hub: StreamHub;
  readonly stats: FinnhubSimStats;
  readonly faults: FaultState;
  readonly clock: () => number;
}

export class FinnhubConnection implements HubClient {
  /** HubClient: Finnhub has no envelope; elements are batched by this connection instead. */
  readonly combined = false;
  /** Symbols delivered to this connection (at most maxSymbolsPerConnection). */
  private readonly symbols = new Set<string>();
  /** Trade elements waiting for the next batch flush. */
  private pending: Buffer[] = [];
  private lastSentAt: number;
  private pingTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly socket: VenueSocket,
    /** The API key the connection opened with. */
    readonly token: string,
    private readonly ctx: FinnhubConnectionContext,
  ) {
    this.lastSentAt = ctx.clock();
  }

  start(): void {
    this.socket.onText((text) => this.onText(text));
    this.socket.onClosed(() => this.cleanUp());
    this.armPing(this.ctx.options.pingIntervalMs);
  }

  /** HubClient: one trade element of a subscribed symbol, held until the next flush. */
  sendFrame(element: Buffer): void {
    if (this.socket.isOpen) this.pending.push(element);
  }

  /** Sends the pending elements as one trade frame (called once per batch interval). */
  flush(): void {
    if (this.pending.length === 0) return;
    const elements = this.pending;
    this.pending = [];
    // A stall withholds data; what was generated during it is never replayed.
    if (this.ctx.faults.stalled) return;
    const parts: Buffer[] = [FRAME_PREFIX];
    for (let i = 0; i < elements.length; i++) {
      if (i > 0) parts.push(ELEMENT_SEPARATOR);
      parts.push(elements[i] ?? ELEMENT_SEPARATOR);
    }
    parts.push(FRAME_SUFFIX);
    if (this.send(Buffer.concat(parts))) this.ctx.stats.tradeFramesSent += 1;
  }

  private send(data: string | Buffer): boolean {
    const sent = this.socket.send(data);
    if (sent) this.lastSentAt = this.ctx.clock();
    return sent;
  }

  private onText(text: string): void {
    const { stats } = this.ctx;
    stats.messagesIn += 1;
    const request = parseFinnhubClientMessage(text);
    if (request === undefined) {
      stats.malformedMessagesIn += 1;
      return;
    }
    if (request.type === 'subscribe') this.subscribe(request.symbol);
    else this.unsubscribe(request.symbol);
  }

  /**
   * No acknowledgement either way. Unknown symbols take a slot and stay silent (Finnhub does
   * not validate them); over the limit, the error frame (which does not name the symbol) and
   * the symbol is not delivered.
   */
  private subscribe(symbol: string): void {
    const { stats, options, hub } = this.ctx;
    if (this.symbols.has(symbol)) {
      stats.subscribes += 1;
      return;
    }
    if (this.symbols.size >= options.maxSymbolsPerConnection) {
      stats.subscribesOverLimit += 1;
      stats.errorsSent += 1;
      this.send(FINNHUB_TOO_MANY_SYMBOLS_FRAME);
      return;
    }
    this.symbols.add(symbol);
    stats.subscribes += 1;
    stats.subscriptions += 1;
    hub.subscribe(this, symbol);
  }

  /** Frees the symbol's slot; unsubscribing a symbol that is not subscribed is a no-op. */
  private unsubscribe(symbol: string): void {
    const { stats, hub } = this.ctx;
    stats.unsubscribes += 1;
    if (!this.symbols.delete(symbol)) return;
    stats.subscriptions -= 1;
    hub.unsubscribe(this, symbol);
  }

  /** Fires when the connection may have been idle for a whole ping interval. */
  private armPing(delayMs: number): void {
    this.pingTimer = setTimeout(() => this.onPingDue(), delayMs);
  }

  private onPingDue(): void {
    const interval = this.ctx.options.pingIntervalMs;
    const idleMs = this.ctx.clock() - this.lastSentAt;
    if (idleMs < interval) {
      this.armPing(interval - idleMs);
      return;
    }
    // Trades waiting for the next flush make the connection busy: after a stalled event loop
    // this timer can run before the flush that sends them.
    if (this.pending.length > 0) {
      this.armPing(interval);
      return;
    }
    // A stalled feed is silent: no data and no pings (the client's watchdog must notice).
    if (!this.ctx.faults.stalled && this.send(FINNHUB_PING_FRAME)) this.ctx.stats.pingsSent += 1;
    this.armPing(interval);
  }

  private cleanUp(): void {
    if (this.pingTimer) clearTimeout(this.pingTimer);
    this.pingTimer = undefined;
    const { stats, hub } = this.ctx;
    for (const symbol of this.symbols) hub.unsubscribe(this, symbol);
    stats.subscriptions -= this.symbols.size;
    this.symbols.clear();
    this.pending = [];
  }
}
