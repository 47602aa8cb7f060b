/**
 * The seeded price walk. Prices live as integer tick counts, so every price the simulator prints
 * is an exact multiple of the symbol's tick size; floats only decide how many ticks to move and
 * are rounded to an integer before use (the float maths is IEEE-deterministic, so a seed gives
 * the same path on every machine).
 */
import type { Random } from './prng';

/** Scale of one trade's move as a fraction of the price (triangular noise of +-2 bp). */
export const VOLATILITY_PER_TRADE = 0.0002;
/** Fraction of the distance to the reference price recovered per trade; keeps long runs bounded. */
export const MEAN_REVERSION_PER_TRADE = 0.0001;
/** Scale of one synthetic history minute's move (about 1-2 % over a day, like a major pair). */
export const VOLATILITY_PER_MINUTE = 0.0015;
/** Mean reversion per synthetic history minute. */
export const MEAN_REVERSION_PER_MINUTE = 0.002;
/** A price never walks below one tick. */
export const MIN_PRICE_TICKS = 1;

/**
 * The next price in ticks: triangular noise scaled to the current price (at least one tick, so
 * low-priced symbols still move) plus a pull towards the reference. Consumes exactly two draws.
 */
export function nextPriceTicks(
  currentTicks: number,
  referenceTicks: number,
  random: Random,
  volatility: number,
  reversion: number,
): number {
  const scale = Math.max(1, Math.round(currentTicks * volatility));
  const noise = Math.round((random() + random() - 1) * scale);
  const pull = Math.round((referenceTicks - currentTicks) * reversion);
  return Math.max(MIN_PRICE_TICKS, currentTicks + noise + pull);
}

/** Next trade price of the live path. */
export function nextTradePriceTicks(currentTicks: number, referenceTicks: number, random: Random): number {
  return nextPriceTicks(currentTicks, referenceTicks, random, VOLATILITY_PER_TRADE, MEAN_REVERSION_PER_TRADE);
}

/** Close of the next synthetic history minute. */
export function nextMinuteCloseTicks(currentTicks: number, referenceTicks: number, random: Random): number {
  return nextPriceTicks(
    currentTicks,
    referenceTicks,
    random,
    VOLATILITY_PER_MINUTE,
    MEAN_REVERSION_PER_MINUTE,
  );
}
