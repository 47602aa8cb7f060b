/**
 * Candles rebuilt from a market's minute buckets (its 24 h window), for every venue's REST
 * candle endpoint: each bucket is folded into the candle whose bounds hold its start, and
 * candles without a trade are left out, as exchanges publish none for them.
 */
import { mergeAggregate, type TradeAggregate, type TradeBucket } from './rolling-window';

/** A candle of the window: the aggregate of its minutes, with its bounds (ms, inclusive). */
export type BucketCandle = TradeAggregate & { openTime: number; closeTime: number };

/** Where the candle holding `time` opens and closes. */
export type CandleBounds = (time: number) => { openTime: number; closeTime: number };

/** `buckets` (oldest first) folded into candles of `boundsOf`, oldest first. */
export function candlesFromBuckets(buckets: readonly TradeBucket[], boundsOf: CandleBounds): BucketCandle[] {
  const candles: BucketCandle[] = [];
  for (const bucket of buckets) {
    const { openTime, closeTime } = boundsOf(bucket.start);
    let candle = candles.at(-1);
    if (!candle || candle.openTime !== openTime) {
      candle = {
        openTime,
        closeTime,
        openTicks: bucket.openTicks,
        highTicks: bucket.highTicks,
        lowTicks: bucket.lowTicks,
        closeTicks: bucket.closeTicks,
        firstId: -1,
        lastId: -1,
        count: 0,
        volume: 0n,
        quoteVolume: 0n,
        takerBuyVolume: 0n,
        takerBuyQuoteVolume: 0n,
      };
      candles.push(candle);
    }
    mergeAggregate(candle, bucket);
  }
  return candles.filter((candle) => candle.count > 0);
}
