/**
 * Which closed candles a series should hold right now: the newest `retained` intervals that
 * ended more than the close grace ago (the leader has closed them, or will never).
 */
import { CANDLE_INTERVAL_MS, type CandleInterval } from '@tickwire/core';
import type { CandleRange } from '@tickwire/cluster';

export function wantedCandleRange(
  interval: CandleInterval,
  retained: number,
  now: number,
  graceMs: number,
): CandleRange {
  const length = CANDLE_INTERVAL_MS[interval];
  // The newest interval whose end (openTime + length - 1) lies more than graceMs in the past.
  const to = Math.floor((now - graceMs - length) / length) * length;
  return { from: to - (retained - 1) * length, to };
}
