/**
 * A synthetic, seeded 24 h of history per symbol, so the very first @ticker already has a
 * plausible open/high/low/volume/count and trade ids that are consistent with them
 * (n = L - F + 1), exactly as a real exchange that has been trading all day.
 */
import { MIN_PRICE_TICKS, VOLATILITY_PER_MINUTE, nextMinuteCloseTicks } from './price-path';
import { randomInt, type Random } from './prng';
import { BUCKET_MS, ROLLING_WINDOW_MS, bucketStart, type TradeBucket } from './rolling-window';
import type { SymbolSpec } from './symbol-catalog';

/** Minutes of history: one full rolling window. */
export const HISTORY_MINUTES = ROLLING_WINDOW_MS / BUCKET_MS;
/** The 24 h-ago price lies within +-2 % of the reference price. */
const HISTORY_START_SPREAD = 0.04;
/** First trade ids fall in [1e8, 1e9): realistic magnitudes, far below 2^53 after years of trading. */
const FIRST_TRADE_ID_MIN = 100_000_000;
const FIRST_TRADE_ID_SPAN = 900_000_000;

export interface SynthesizedHistory {
  /** Price of the trade just before the first history minute. */
  readonly prevCloseTicks: number;
  readonly buckets: TradeBucket[];
  /** Id the first live trade gets. */
  readonly nextTradeId: number;
  /** Close of the last history minute: where the live path starts. */
  readonly lastTicks: number;
}

/**
 * Builds HISTORY_MINUTES one-minute buckets ending at the start of the minute containing `now`.
 * Every minute consumes the same number of draws whatever the trade rate, so the price path
 * depends on the seed only.
 */
export function synthesizeHistory(
  spec: SymbolSpec,
  random: Random,
  now: number,
  tradesPerMinute: number,
): SynthesizedHistory {
  const firstMinute = bucketStart(now) - HISTORY_MINUTES * BUCKET_MS;
  const startTicks = Math.max(
    MIN_PRICE_TICKS,
    Math.round(spec.referenceTicks * (1 - HISTORY_START_SPREAD / 2 + random() * HISTORY_START_SPREAD)),
  );
  let nextTradeId = FIRST_TRADE_ID_MIN + randomInt(random, FIRST_TRADE_ID_SPAN);
  // Heavy-tailed trade sizes (u^4) average a fifth of the largest trade.
  const meanTradeSteps = Math.max(1, spec.maxTradeSteps / 5);
  let prevClose = startTicks;
  const buckets: TradeBucket[] = [];
  for (let minute = 0; minute < HISTORY_MINUTES; minute++) {
    const gap = randomInt(random, 3) - 1;
    const openTicks = Math.max(MIN_PRICE_TICKS, prevClose + gap);
    const closeTicks = nextMinuteCloseTicks(openTicks, spec.referenceTicks, random);
    const wickScale = Math.max(1, Math.round(closeTicks * VOLATILITY_PER_MINUTE));
    const highTicks = Math.max(openTicks, closeTicks) + Math.floor((random() * wickScale) / 2);
    const lowTicks = Math.max(
      MIN_PRICE_TICKS,
      Math.min(openTicks, closeTicks) - Math.floor((random() * wickScale) / 2),
    );
    const count = Math.max(1, Math.round(tradesPerMinute * (0.5 + random())));
    const steps = Math.max(count, Math.round(count * meanTradeSteps * (0.5 + random())));
    const takerBuySteps = Math.round(steps * (0.4 + 0.2 * random()));
    const vwapTicks = Math.round((openTicks + closeTicks + highTicks + lowTicks) / 4);
    const priceUnits = BigInt(vwapTicks) * spec.tickUnits;
    const volume = BigInt(steps) * spec.stepUnits;
    const takerBuyVolume = BigInt(takerBuySteps) * spec.stepUnits;
    buckets.push({
      start: firstMinute + minute * BUCKET_MS,
      openTicks,
      highTicks,
      lowTicks,
      closeTicks,
      firstId: nextTradeId,
      lastId: nextTradeId + count - 1,
      count,
      volume,
      quoteVolume: volume * priceUnits,
      takerBuyVolume,
      takerBuyQuoteVolume: takerBuyVolume * priceUnits,
    });
    nextTradeId += count;
    prevClose = closeTicks;
  }
  return { prevCloseTicks: startTicks, buckets, nextTradeId, lastTicks: prevClose };
}
