/**
 * How many closed candles a strategy reads. Moving averages over `p` candles need `p` (and one
 * more for the previous reading a cross compares); EMA and RSI are recursive, their value
 * depends on all history, so they get a warm-up of several periods for the smoothing to settle
 * (the weight left on the unseen past is (1 - 1/p)^(4p) < 2 %, e^-8 for the EMA).
 */
import type { Condition } from './strategy-document';
import { MAX_LOOKBACK_CANDLES } from './strategy-document';
import { leavesOf } from './strategy-document';

/** Periods of warm-up given to recursive indicators (EMA, Wilder's RSI). */
export const RECURSIVE_WARMUP_PERIODS = 4;

/** Closed candles to hold for `condition`, at most MAX_LOOKBACK_CANDLES + 1. */
export function candlesNeeded(condition: Condition): number {
  let needed = 1;
  for (const leaf of leavesOf(condition)) {
    switch (leaf.type) {
      case 'price':
        break;
      case 'change':
        needed = Math.max(needed, leaf.candles + 1);
        break;
      case 'volumeSpike':
        needed = Math.max(needed, leaf.candles + 1);
        break;
      case 'rsi':
        needed = Math.max(needed, recursive(leaf.period + 1));
        break;
      case 'cross':
        for (const ma of [leaf.fast, leaf.slow]) {
          needed = Math.max(needed, ma.ma === 'sma' ? ma.period + 1 : recursive(ma.period + 1));
        }
        break;
    }
  }
  return Math.min(needed, MAX_LOOKBACK_CANDLES + 1);
}

function recursive(minimum: number): number {
  return RECURSIVE_WARMUP_PERIODS * minimum;
}
