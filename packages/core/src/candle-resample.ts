/**
 * Candles of a longer interval folded from candles of a shorter one that divides it (4h from
 * 1h), for exchanges without that interval (Coinbase has no 4h granularity). The fold is
 * exact: open is the first finer candle's open, close the last one's close, high and low the
 * extremes, volume and ticks the sums, all in decimal strings. A finer interval an exchange
 * left out had no trades, so it changes none of these, and a longer candle with no finer one
 * at all does not exist either (as on the exchange).
 */
import { CANDLE_INTERVAL_MS, type Candle, type CandleInterval } from './candles';
import { addDecimal, maxDecimal, minDecimal } from './decimal';

/**
 * `finer` (one symbol, any order, each aligned to its own interval, which must divide
 * `interval`) folded into candles of `interval`, oldest first, aligned to UTC. Throws a
 * TypeError for a candle of another symbol, of an interval that does not divide `interval`,
 * or for two candles with the same open time.
 */
export function resampleCandles(finer: readonly Candle[], interval: CandleInterval): Candle[] {
  const length = CANDLE_INTERVAL_MS[interval];
  const sorted = [...finer].sort((a, b) => a.openTime - b.openTime);
  const result: Candle[] = [];
  let previousOpenTime: number | undefined;
  for (const candle of sorted) {
    const finerLength = CANDLE_INTERVAL_MS[candle.interval];
    if (length % finerLength !== 0)
      throw new TypeError(`cannot fold ${candle.interval} candles into ${interval}: it does not divide it`);
    if (candle.symbol !== sorted[0]?.symbol)
      throw new TypeError(`cannot fold candles of ${candle.symbol} and ${sorted[0]?.symbol} together`);
    if (candle.openTime === previousOpenTime)
      throw new TypeError(`two ${candle.interval} candles open at ${candle.openTime}`);
    previousOpenTime = candle.openTime;
    const openTime = candle.openTime - (candle.openTime % length);
    const current = result.at(-1);
    if (current?.openTime !== openTime) {
      result.push({ ...candle, interval, openTime, closeTime: openTime + length - 1 });
      continue;
    }
    current.high = maxDecimal(current.high, candle.high);
    current.low = minDecimal(current.low, candle.low);
    current.close = candle.close;
    current.volume = addDecimal(current.volume, candle.volume);
    current.ticks += candle.ticks;
  }
  return result;
}
