/** Defaults both engines' candle histories share. */
import { DEFAULT_CANDLE_HISTORY } from '@tickwire/core';

/** Closed candles kept per series unless configured otherwise. */
export const DEFAULT_RETAINED_CANDLES = DEFAULT_CANDLE_HISTORY;
/**
 * Entries kept in the closes stream (approximate MAXLEN): how far back a reader such as the
 * scanner can resume; at 8 symbols x 6 intervals, about a day of 1m closes and more.
 */
export const DEFAULT_RETAINED_CLOSES = 100_000;

/** The covered range an append records when it names none: its first to its last candle. */
export function defaultCoveredRange(openTimes: readonly number[]): { from: number; to: number } | undefined {
  if (openTimes.length === 0) return undefined;
  return { from: Math.min(...openTimes), to: Math.max(...openTimes) };
}
