/**
 * One live kline. Seeded from the minute buckets of the rolling window when a stream becomes
 * active (so a 1h candle opened before the subscription still has the right open/high/low), then
 * updated per trade. `x` is true only on the snapshot that closes the candle.
 */
import { candleBounds, type KlineInterval } from './kline-intervals';
import { mergeAggregate, tradeAsAggregate, type TradeBucket, type WindowTrade } from '../rolling-window';

/** A candle at one moment. firstId/lastId are -1 while the candle has no trade (as on Binance). */
export interface CandleSnapshot {
  readonly interval: KlineInterval;
  readonly openTime: number;
  readonly closeTime: number;
  readonly firstId: number;
  readonly lastId: number;
  readonly openTicks: number;
  readonly closeTicks: number;
  readonly highTicks: number;
  readonly lowTicks: number;
  readonly count: number;
  readonly volume: bigint;
  /** 1e-16 units. */
  readonly quoteVolume: bigint;
  readonly takerBuyVolume: bigint;
  /** 1e-16 units. */
  readonly takerBuyQuoteVolume: bigint;
  readonly closed: boolean;
}

type MutableCandle = { -readonly [K in keyof CandleSnapshot]: CandleSnapshot[K] };

function emptyCandle(interval: KlineInterval, time: number, priceTicks: number): MutableCandle {
  const { openTime, closeTime } = candleBounds(interval, time);
  return {
    interval,
    openTime,
    closeTime,
    firstId: -1,
    lastId: -1,
    openTicks: priceTicks,
    closeTicks: priceTicks,
    highTicks: priceTicks,
    lowTicks: priceTicks,
    count: 0,
    volume: 0n,
    quoteVolume: 0n,
    takerBuyVolume: 0n,
    takerBuyQuoteVolume: 0n,
    closed: false,
  };
}

export class Candle {
  private state: MutableCandle;

  /**
   * @param buckets the window's minute buckets from the candle's open time on (empty for 1s:
   * a sub-minute candle cannot be rebuilt from minutes and starts empty).
   */
  constructor(interval: KlineInterval, now: number, lastTicks: number, buckets: readonly TradeBucket[]) {
    this.state = emptyCandle(interval, now, lastTicks);
    const s = this.state;
    for (const b of buckets) {
      if (b.start >= s.openTime && b.start <= s.closeTime) mergeAggregate(s, b);
    }
  }

  get interval(): KlineInterval {
    return this.state.interval;
  }

  applyTrade(trade: WindowTrade): void {
    mergeAggregate(this.state, tradeAsAggregate(trade));
  }

  /**
   * When `now` is past the candle's close time: returns the final snapshot (x = true) and starts
   * the candle containing `now`, opening at the last price. Candles with no trade at all in
   * between are skipped rather than replayed.
   */
  rollIfDue(now: number, lastTicks: number): CandleSnapshot | undefined {
    if (now <= this.state.closeTime) return undefined;
    const closed: CandleSnapshot = { ...this.state, closed: true };
    this.state = emptyCandle(this.state.interval, now, lastTicks);
    return closed;
  }

  snapshot(): CandleSnapshot {
    return { ...this.state };
  }
}
