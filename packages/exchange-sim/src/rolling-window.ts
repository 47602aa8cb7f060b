/**
 * The 24 h rolling statistics behind @ticker, @miniTicker and REST ticker/24hr. Binance computes
 * them over a rolling window, not the UTC day; we keep one bucket per minute (bounded memory: 1441
 * buckets per symbol whatever the trade rate) and evict whole minutes as they leave the window.
 * Running totals make a stats read O(1) except right after an eviction (high/low rescan).
 */

/** Length of the rolling window Binance's 24hr statistics cover. */
export const ROLLING_WINDOW_MS = 86_400_000;
/** Bucket width; the window's edge moves in steps of this size. */
export const BUCKET_MS = 60_000;

/** All trades of one minute. Prices in ticks; quantities in 1e-8 units; quote amounts in 1e-16. */
export interface TradeBucket {
  readonly start: number;
  openTicks: number;
  highTicks: number;
  lowTicks: number;
  closeTicks: number;
  firstId: number;
  lastId: number;
  count: number;
  volume: bigint;
  quoteVolume: bigint;
  takerBuyVolume: bigint;
  takerBuyQuoteVolume: bigint;
}

/** One trade as the window sees it. */
export interface WindowTrade {
  readonly time: number;
  readonly id: number;
  readonly priceTicks: number;
  readonly qty: bigint;
  /** qty * price in 1e-16 units. */
  readonly quote: bigint;
  /** True when the buyer was the taker (counts toward kline V/Q). */
  readonly takerBuy: boolean;
}

/** The OHLCV fields a one-minute bucket and a kline share. */
export type TradeAggregate = Omit<TradeBucket, 'start'>;

/** One trade as an aggregate of one. */
export function tradeAsAggregate(trade: WindowTrade): TradeAggregate {
  return {
    openTicks: trade.priceTicks,
    highTicks: trade.priceTicks,
    lowTicks: trade.priceTicks,
    closeTicks: trade.priceTicks,
    firstId: trade.id,
    lastId: trade.id,
    count: 1,
    volume: trade.qty,
    quoteVolume: trade.quote,
    takerBuyVolume: trade.takerBuy ? trade.qty : 0n,
    takerBuyQuoteVolume: trade.takerBuy ? trade.quote : 0n,
  };
}

/** Folds `source` (later in time) into `target`; an empty target takes the source's open. */
export function mergeAggregate(target: TradeAggregate, source: TradeAggregate): void {
  if (source.count === 0) return;
  if (target.count === 0) {
    target.firstId = source.firstId;
    target.openTicks = source.openTicks;
    target.highTicks = source.highTicks;
    target.lowTicks = source.lowTicks;
  }
  target.highTicks = Math.max(target.highTicks, source.highTicks);
  target.lowTicks = Math.min(target.lowTicks, source.lowTicks);
  target.closeTicks = source.closeTicks;
  target.lastId = source.lastId;
  target.count += source.count;
  target.volume += source.volume;
  target.quoteVolume += source.quoteVolume;
  target.takerBuyVolume += source.takerBuyVolume;
  target.takerBuyQuoteVolume += source.takerBuyQuoteVolume;
}

/** The rolling statistics at one moment. firstId/lastId are -1 when no trade is in the window. */
export interface WindowStats {
  readonly openTicks: number;
  readonly highTicks: number;
  readonly lowTicks: number;
  /** Price of the last trade before the window (ticker `x`, REST prevClosePrice). */
  readonly prevCloseTicks: number;
  readonly firstId: number;
  readonly lastId: number;
  readonly count: number;
  readonly volume: bigint;
  readonly quoteVolume: bigint;
}

export function bucketStart(time: number): number {
  return Math.floor(time / BUCKET_MS) * BUCKET_MS;
}

export class RollingWindow {
  private buckets: TradeBucket[] = [];
  private count = 0;
  private volume = 0n;
  private quoteVolume = 0n;
  private highTicks = 0;
  private lowTicks = 0;

  /** @param prevCloseTicks price of the trade before the oldest bucket. */
  constructor(private prevCloseTicks: number) {}

  /** Appends a pre-built bucket (synthetic history); buckets must arrive in time order. */
  appendBucket(bucket: TradeBucket): void {
    this.buckets.push(bucket);
    this.include(bucket.count, bucket.volume, bucket.quoteVolume, bucket.highTicks, bucket.lowTicks);
  }

  addTrade(trade: WindowTrade): void {
    const start = bucketStart(trade.time);
    let bucket = this.buckets[this.buckets.length - 1];
    if (!bucket || bucket.start < start) {
      bucket = {
        start,
        openTicks: trade.priceTicks,
        highTicks: trade.priceTicks,
        lowTicks: trade.priceTicks,
        closeTicks: trade.priceTicks,
        firstId: trade.id,
        lastId: trade.id,
        count: 0,
        volume: 0n,
        quoteVolume: 0n,
        takerBuyVolume: 0n,
        takerBuyQuoteVolume: 0n,
      };
      this.buckets.push(bucket);
    }
    mergeAggregate(bucket, tradeAsAggregate(trade));
    this.include(1, trade.qty, trade.quote, trade.priceTicks, trade.priceTicks);
  }

  /** Statistics for the 24 h ending at `now`; evicts minutes that left the window. */
  stats(now: number, lastTicks: number): WindowStats {
    this.evict(now);
    const first = this.buckets[0];
    const last = this.buckets[this.buckets.length - 1];
    if (!first || !last || this.count === 0) {
      return {
        openTicks: lastTicks,
        highTicks: lastTicks,
        lowTicks: lastTicks,
        prevCloseTicks: this.prevCloseTicks,
        firstId: -1,
        lastId: -1,
        count: 0,
        volume: 0n,
        quoteVolume: 0n,
      };
    }
    return {
      openTicks: first.openTicks,
      highTicks: this.highTicks,
      lowTicks: this.lowTicks,
      prevCloseTicks: this.prevCloseTicks,
      firstId: first.firstId,
      lastId: last.lastId,
      count: this.count,
      volume: this.volume,
      quoteVolume: this.quoteVolume,
    };
  }

  /** Buckets starting at or after `start` (candles longer than a minute are built from them). */
  bucketsFrom(start: number): readonly TradeBucket[] {
    return this.buckets.filter((b) => b.start >= start);
  }

  private include(count: number, volume: bigint, quote: bigint, high: number, low: number): void {
    this.highTicks = this.count === 0 ? high : Math.max(this.highTicks, high);
    this.lowTicks = this.count === 0 ? low : Math.min(this.lowTicks, low);
    this.count += count;
    this.volume += volume;
    this.quoteVolume += quote;
  }

  private evict(now: number): void {
    const edge = now - ROLLING_WINDOW_MS;
    let removed = 0;
    for (const bucket of this.buckets) {
      if (bucket.start + BUCKET_MS > edge) break;
      removed += 1;
      this.prevCloseTicks = bucket.closeTicks;
      this.count -= bucket.count;
      this.volume -= bucket.volume;
      this.quoteVolume -= bucket.quoteVolume;
    }
    if (removed === 0) return;
    this.buckets = this.buckets.slice(removed);
    // High and low cannot be un-merged; rescan the surviving minutes (once a minute at most).
    this.highTicks = 0;
    this.lowTicks = 0;
    let seen = false;
    for (const bucket of this.buckets) {
      this.highTicks = seen ? Math.max(this.highTicks, bucket.highTicks) : bucket.highTicks;
      this.lowTicks = seen ? Math.min(this.lowTicks, bucket.lowTicks) : bucket.lowTicks;
      seen = true;
    }
  }
}
