/**
 * The Coinbase market: per product a seeded SymbolMarket traded by the shared scheduler, and
 * the product's feed-wide `sequence`. Each trade is one `match` and one `ticker` carrying the
 * same sequence; between trades the sequence jumps (the product's other order-book messages),
 * so consecutive tickers show gaps while `trade_id` stays consecutive. One `heartbeat` per
 * product per interval carries the current sequence. The latest ticker and match of each
 * product are kept: the server replays them (old `time` and all) to a new subscriber.
 * Docs: https://docs.cdp.coinbase.com/exchange/websocket-feed/overview#sequence-numbers
 */
import { SymbolMarket, type Trade } from '../market-state';
import { derivedRandom, randomInt, type Random } from '../prng';
import { TradeScheduler } from '../trade-scheduler';
import type { ResolvedCoinbaseSimOptions } from './options';
import {
  coinbaseStream,
  heartbeatPayload,
  isoMicros,
  matchPayload,
  tickerPayload,
  type TradeFacts,
} from './payloads';
import type { CoinbaseProduct } from './products';

/** Feed-wide sequences of real products run in the 1e8-5e10 range. */
const FIRST_SEQUENCE_MIN = 100_000_000;
const FIRST_SEQUENCE_SPAN = 40_000_000_000;
/** Largest jump of the sequence between two trades (heavy-tailed: mostly small, sometimes ~800). */
const MAX_SEQUENCE_JUMP_PER_TRADE = 800;
/** Largest jump between two heartbeats without trades. */
const MAX_SEQUENCE_JUMP_PER_HEARTBEAT = 40;
/** volume_30d is this many times volume_24h, plus a per-product spread of up to 8 more. */
const VOLUME_30D_MIN_FACTOR = 26;
const VOLUME_30D_FACTOR_SPREAD = 8;

/** One generated message, its exact text and the stream it goes to. */
export interface CoinbaseMessage {
  readonly stream: string;
  readonly payload: Readonly<Record<string, string | number>>;
  readonly json: string;
}

/** Receives every generated message. */
export type CoinbaseSink = (message: CoinbaseMessage, now: number) => void;

export class CoinbaseProductFeed {
  readonly market: SymbolMarket;
  private readonly random: Random;
  private readonly volume30dFactor: bigint;
  private sequence: number;
  private lastTradeIdValue: number;
  private lastTickerMessage: CoinbaseMessage;
  private lastMatchPayload: Readonly<Record<string, string | number>>;

  constructor(
    readonly product: CoinbaseProduct,
    seed: number,
    startedAt: number,
    tradesPerSecond: number,
    maxInitialTickerAgeMs: number,
  ) {
    this.market = new SymbolMarket(product.spec, seed, startedAt, tradesPerSecond);
    // Separate from the price path, so sequence and id draws never change a price.
    this.random = derivedRandom(seed, `${product.id}/coinbase-feed`);
    this.volume30dFactor = BigInt(
      VOLUME_30D_MIN_FACTOR + randomInt(this.random, VOLUME_30D_FACTOR_SPREAD + 1),
    );
    this.sequence = FIRST_SEQUENCE_MIN + randomInt(this.random, FIRST_SEQUENCE_SPAN);
    const snapshot = this.market.snapshot(startedAt);
    this.lastTradeIdValue = snapshot.stats.lastId;
    // The last trade before the simulator started: up to maxInitialTickerAgeMs old.
    const age = randomInt(this.random, maxInitialTickerAgeMs + 1);
    const facts: TradeFacts = {
      sequence: this.sequence,
      tradeId: snapshot.stats.lastId,
      takerSide: this.random() < 0.5 ? 'buy' : 'sell',
      time: isoMicros(startedAt - age, randomInt(this.random, 1000)),
      sizeUnits: snapshot.lastQty,
    };
    this.lastTickerMessage = this.ticker(facts, startedAt);
    this.lastMatchPayload = this.match('last_match', snapshot.lastTicks, facts);
  }

  /** The product's latest ticker (replayed to a new ticker subscriber). */
  get lastTicker(): CoinbaseMessage {
    return this.lastTickerMessage;
  }

  /** The product's latest trade as `last_match` (replayed to a new matches subscriber). */
  get lastMatch(): CoinbaseMessage {
    const payload = this.lastMatchPayload;
    return { stream: coinbaseStream('matches', this.product.id), payload, json: JSON.stringify(payload) };
  }

  get lastTradeId(): number {
    return this.lastTradeIdValue;
  }

  /** Executes the next trade: a match and a ticker with the same, jumped, sequence. */
  trade(now: number, sink: CoinbaseSink): void {
    const trade: Trade = this.market.trade(now);
    this.sequence += 1 + Math.floor(this.random() ** 3 * MAX_SEQUENCE_JUMP_PER_TRADE);
    const facts: TradeFacts = {
      sequence: this.sequence,
      tradeId: trade.id,
      takerSide: trade.buyerIsMaker ? 'sell' : 'buy',
      time: isoMicros(trade.time, randomInt(this.random, 1000)),
      sizeUnits: trade.qty,
    };
    this.lastTradeIdValue = trade.id;
    const match = this.match('match', trade.priceTicks, facts);
    this.lastMatchPayload = { ...match, type: 'last_match' };
    sink(
      { stream: coinbaseStream('matches', this.product.id), payload: match, json: JSON.stringify(match) },
      now,
    );
    this.lastTickerMessage = this.ticker(facts, now);
    sink(this.lastTickerMessage, now);
  }

  /** One heartbeat; the sequence moves on by the product's quiet background traffic. */
  heartbeat(now: number, tradeIdMode: ResolvedCoinbaseSimOptions['heartbeatLastTradeId']): CoinbaseMessage {
    this.sequence += 1 + Math.floor(this.random() ** 2 * MAX_SEQUENCE_JUMP_PER_HEARTBEAT);
    const payload = heartbeatPayload(
      this.product.id,
      this.sequence,
      tradeIdMode === 'zero' ? 0 : this.lastTradeIdValue,
      isoMicros(now, randomInt(this.random, 1000)),
    );
    return { stream: coinbaseStream('heartbeat', this.product.id), payload, json: JSON.stringify(payload) };
  }

  private ticker(facts: TradeFacts, now: number): CoinbaseMessage {
    const snapshot = this.market.snapshot(now);
    const payload = tickerPayload(
      this.product,
      snapshot,
      this.market.bookTop,
      facts,
      snapshot.stats.volume * this.volume30dFactor,
    );
    return { stream: coinbaseStream('ticker', this.product.id), payload, json: JSON.stringify(payload) };
  }

  private match(
    type: 'match' | 'last_match',
    priceTicks: number,
    facts: TradeFacts,
  ): Readonly<Record<string, string | number>> {
    return matchPayload(type, this.product, priceTicks, facts, this.orderId(), this.orderId());
  }

  /** A UUID v4-shaped order id from the feed's own generator. */
  private orderId(): string {
    let hex = '';
    for (let i = 0; i < 32; i++) hex += randomInt(this.random, 16).toString(16);
    const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }
}

/** Every product's feed, the trade scheduler and the heartbeat timer. */
export class CoinbaseFeed {
  readonly products: ReadonlyMap<string, CoinbaseProductFeed>;
  private readonly scheduler: TradeScheduler<CoinbaseProductFeed>;
  private heartbeatTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: ResolvedCoinbaseSimOptions,
    startedAt: number,
    private readonly sink: CoinbaseSink,
    private readonly clock: () => number = Date.now,
  ) {
    const feeds = options.products.map(
      (product) =>
        new CoinbaseProductFeed(
          product,
          options.seed,
          startedAt,
          options.tradesPerSecond,
          options.maxInitialTickerAgeMs,
        ),
    );
    this.products = new Map(feeds.map((f) => [f.product.id, f]));
    this.scheduler = new TradeScheduler(
      feeds,
      options.tradesPerSecond,
      (feed, now) => feed.trade(now, sink),
      clock,
    );
  }

  start(): void {
    if (this.heartbeatTimer) return;
    this.scheduler.start();
    this.heartbeatTimer = setInterval(() => this.emitHeartbeats(), this.options.heartbeatIntervalMs);
  }

  stop(): void {
    this.scheduler.stop();
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }

  setTradesPerSecond(tradesPerSecond: number): void {
    this.scheduler.setTradesPerSecond(tradesPerSecond);
  }

  private emitHeartbeats(): void {
    const now = this.clock();
    for (const feed of this.products.values()) {
      this.sink(feed.heartbeat(now, this.options.heartbeatLastTradeId), now);
    }
  }
}
