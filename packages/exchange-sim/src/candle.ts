/**
 * One live kline. Seeded from the minute buckets of the rolling window when a stream becomes
 * active (so a 1h candle opened before the subscription still has the right open/high/low), then
 * updated per trade. `x` is true only on the snapshot that closes the candle.
 */
import { candleBounds, type KlineInterval } from './kline-intervals';
import type { TradeBucket, WindowTrade } from './rolling-window';

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
      if (b.start < s.openTime || b.start > s.closeTime || b.count === 0) continue;
      if (s.count === 0) {
        s.firstId = b.firstId;
        s.openTicks = b.openTicks;
        s.highTicks = b.highTicks;
        s.lowTicks = b.lowTicks;
      }
      s.highTicks = Math.max(s.highTicks, b.highTicks);
      s.lowTicks = Math.min(s.lowTicks, b.lowTicks);
      s.closeTicks = b.closeTicks;
      s.lastId = b.lastId;
      s.count += b.count;
      s.volume += b.volume;
      s.quoteVolume += b.quoteVolume;
      s.takerBuyVolume += b.takerBuyVolume;
      s.takerBuyQuoteVolume += b.takerBuyQuoteVolume;
    }
  }

  get interval(): KlineInterval {
    return this.state.interval;
  }

  applyTrade(trade: WindowTrade): void {
    const s = this.state;
    if (s.count === 0) {
      s.firstId = trade.id;
      s.openTicks = trade.priceTicks;
      s.highTicks = trade.priceTicks;
      s.lowTicks = trade.priceTicks;
    }
    s.highTicks = Math.max(s.highTicks, trade.priceTicks);
    s.lowTicks = Math.min(s.lowTicks, trade.priceTicks);
    s.closeTicks = trade.priceTicks;
    s.lastId = trade.id;
    s.count += 1;
    s.volume += trade.qty;
    s.quoteVolume += trade.quote;
    if (trade.takerBuy) {
      s.takerBuyVolume += trade.qty;
      s.takerBuyQuoteVolume += trade.quote;
    }
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
