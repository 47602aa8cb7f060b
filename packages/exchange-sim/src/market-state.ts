/**
 * The state of one symbol's market: last trade, best bid/ask, id counters and the 24 h window.
 * WebSocket payloads and REST bodies are both rendered from this one object, so a REST ticker
 * and the @ticker stream of the same moment agree.
 */
import { synthesizeHistory } from './history-synth';
import { nextTradePriceTicks } from './price-path';
import { derivedRandom, randomInt, type Random } from './prng';
import { RollingWindow, type TradeBucket, type WindowStats } from './rolling-window';
import type { SymbolSpec } from './symbol-catalog';

/** Minimum trade rate used to size the synthetic history, so rate 0 still has a traded past. */
const MIN_HISTORY_TRADES_PER_SECOND = 1;
/** Book update ids start in [1e9, 2e9) (only their order matters to clients). */
const FIRST_BOOK_UPDATE_ID_MIN = 1_000_000_000;
const FIRST_BOOK_UPDATE_ID_SPAN = 1_000_000_000;
/** Aggregate-trade ids run below trade ids, as on Binance where many trades share one agg id. */
const AGG_ID_RATIO = 0.7;
/** Share of trades with a spread wider than one tick. */
const WIDE_SPREAD_SHARE = 0.15;
/** Widest spread, in ticks. */
const MAX_SPREAD_TICKS = 3;

/** One executed trade. Price in ticks, quantity in 1e-8 units. */
export interface Trade {
  readonly id: number;
  readonly aggId: number;
  /** Trade time (`T`). */
  readonly time: number;
  /** Event time (`E`): equal to or a millisecond after `T`, as in live recordings. */
  readonly eventTime: number;
  readonly priceTicks: number;
  readonly qty: bigint;
  /** `m`: true when the buyer was the maker, i.e. the taker sold. */
  readonly buyerIsMaker: boolean;
}

/** Best bid and ask after the latest trade. */
export interface BookTop {
  readonly updateId: number;
  readonly bidTicks: number;
  readonly bidQty: bigint;
  readonly askTicks: number;
  readonly askQty: bigint;
}

/** Everything a ticker needs at one moment. */
export interface MarketSnapshot {
  readonly spec: SymbolSpec;
  readonly stats: WindowStats;
  readonly lastTicks: number;
  readonly lastQty: bigint;
  readonly book: BookTop;
}

export class SymbolMarket {
  /** Lowercase symbol, the prefix of every stream name of this symbol. */
  readonly streamSymbol: string;
  private readonly random: Random;
  private readonly window: RollingWindow;
  private lastTicks: number;
  private lastQty: bigint;
  private nextTradeId: number;
  private nextAggId: number;
  private book: BookTop;
  private changed = true;
  private lastEventTimeMs: number;

  constructor(
    readonly spec: SymbolSpec,
    seed: number,
    now: number,
    tradesPerSecond: number,
  ) {
    this.streamSymbol = spec.symbol.toLowerCase();
    const historyRandom = derivedRandom(seed, `${spec.symbol}/history`);
    const history = synthesizeHistory(
      spec,
      historyRandom,
      now,
      Math.max(MIN_HISTORY_TRADES_PER_SECOND, tradesPerSecond) * 60,
    );
    this.window = new RollingWindow(history.prevCloseTicks);
    for (const bucket of history.buckets) this.window.appendBucket(bucket);
    this.lastTicks = history.lastTicks;
    this.nextTradeId = history.nextTradeId;
    this.nextAggId = Math.floor(history.nextTradeId * AGG_ID_RATIO);
    this.lastQty = BigInt(1 + randomInt(historyRandom, spec.maxTradeSteps)) * spec.stepUnits;
    this.book = {
      updateId: FIRST_BOOK_UPDATE_ID_MIN + randomInt(historyRandom, FIRST_BOOK_UPDATE_ID_SPAN),
      bidTicks: Math.max(1, this.lastTicks - 1),
      bidQty: this.lastQty,
      askTicks: this.lastTicks,
      askQty: this.lastQty,
    };
    this.random = derivedRandom(seed, `${spec.symbol}/live`);
    this.lastEventTimeMs = now;
  }

  get lastPriceTicks(): number {
    return this.lastTicks;
  }

  /** Event time of the latest trade (used as `E` of this symbol's !miniTicker@arr element). */
  get lastEventTime(): number {
    return this.lastEventTimeMs;
  }

  /**
   * Executes the next trade of the seeded path at `now` and moves the book to it. Every call
   * consumes the same number of draws, so the n-th trade is the same for a seed whatever the
   * timing.
   */
  trade(now: number): Trade {
    const r = this.random;
    const previous = this.lastTicks;
    const priceTicks = nextTradePriceTicks(previous, this.spec.referenceTicks, r);
    const tie = r();
    const sizeDraw = r();
    const spreadDraw = r();
    const bidQtyDraw = r();
    const askQtyDraw = r();
    const eventLagDraw = r();
    // A falling price means a seller hit the bid: the buyer was the maker.
    const buyerIsMaker = priceTicks < previous ? true : priceTicks > previous ? false : tie < 0.5;
    const qty = BigInt(1 + Math.floor(sizeDraw ** 4 * this.spec.maxTradeSteps)) * this.spec.stepUnits;
    const spread =
      spreadDraw < 1 - WIDE_SPREAD_SHARE
        ? 1
        : 1 +
          Math.min(
            MAX_SPREAD_TICKS - 1,
            Math.floor(((spreadDraw - (1 - WIDE_SPREAD_SHARE)) / WIDE_SPREAD_SHARE) * MAX_SPREAD_TICKS),
          );
    const bookQty = (draw: number): bigint =>
      BigInt(1 + Math.floor(draw ** 2 * this.spec.maxTradeSteps * 2)) * this.spec.stepUnits;
    let bidTicks: number;
    let askTicks: number;
    if (buyerIsMaker) {
      bidTicks = priceTicks;
      askTicks = priceTicks + spread;
    } else {
      bidTicks = Math.max(1, priceTicks - spread);
      askTicks = Math.max(priceTicks, bidTicks + 1);
    }
    const trade: Trade = {
      id: this.nextTradeId++,
      aggId: this.nextAggId++,
      time: now,
      eventTime: now + (eventLagDraw < 0.3 ? 1 : 0),
      priceTicks,
      qty,
      buyerIsMaker,
    };
    this.book = {
      updateId: this.book.updateId + 1,
      bidTicks,
      bidQty: bookQty(bidQtyDraw),
      askTicks,
      askQty: bookQty(askQtyDraw),
    };
    this.lastTicks = priceTicks;
    this.lastQty = qty;
    this.changed = true;
    this.lastEventTimeMs = trade.eventTime;
    this.window.addTrade({
      time: now,
      id: trade.id,
      priceTicks,
      qty,
      quote: this.quoteOf(priceTicks, qty),
      takerBuy: !buyerIsMaker,
    });
    return trade;
  }

  /** qty * price in 1e-16 units. */
  quoteOf(priceTicks: number, qty: bigint): bigint {
    return BigInt(priceTicks) * this.spec.tickUnits * qty;
  }

  snapshot(now: number): MarketSnapshot {
    return {
      spec: this.spec,
      stats: this.window.stats(now, this.lastTicks),
      lastTicks: this.lastTicks,
      lastQty: this.lastQty,
      book: this.book,
    };
  }

  get bookTop(): BookTop {
    return this.book;
  }

  /** True once per change: whether this symbol traded since the previous call (!miniTicker@arr). */
  takeChanged(): boolean {
    const changed = this.changed;
    this.changed = false;
    return changed;
  }

  bucketsFrom(start: number): readonly TradeBucket[] {
    return this.window.bucketsFrom(start);
  }
}
