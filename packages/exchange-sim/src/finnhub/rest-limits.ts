/**
 * Finnhub's REST limits, per API key (exchanges.md 2.2): the plan's calls per minute (60 on
 * the free plan) counted per clock minute, which is what `X-RateLimit-Limit/-Remaining/-Reset`
 * describe, and "on top of all plan's limit" 30 calls per second, counted over a rolling second.
 * Refused calls are not charged. Docs: https://finnhub.io/docs/api/rate-limit
 */
import { RollingCounter } from '../rolling-counter';

/** The plan window the X-RateLimit headers describe. */
export const FINNHUB_RATE_WINDOW_MS = 60_000;
/** Window of the per-second limit. */
export const FINNHUB_SECOND_WINDOW_MS = 1_000;

export interface FinnhubRateDecision {
  readonly admitted: boolean;
  /** X-RateLimit-Limit: the per-minute budget. */
  readonly limit: number;
  /** X-RateLimit-Remaining: calls left in this minute (0 when refused). */
  readonly remaining: number;
  /** X-RateLimit-Reset: epoch seconds at which the current minute window ends. */
  readonly resetEpochSec: number;
}

interface KeyBudget {
  minuteStart: number;
  minuteCount: number;
  readonly second: RollingCounter;
}

export class FinnhubRateLimiter {
  private readonly budgets = new Map<string, KeyBudget>();

  constructor(
    private readonly perMinute: number,
    private readonly perSecond: number,
  ) {}

  /** Charges one call of `apiKey` at `now`, unless a limit refuses it. */
  admit(apiKey: string, now: number): FinnhubRateDecision {
    let budget = this.budgets.get(apiKey);
    if (!budget) {
      budget = { minuteStart: 0, minuteCount: 0, second: new RollingCounter(FINNHUB_SECOND_WINDOW_MS) };
      this.budgets.set(apiKey, budget);
    }
    const minuteStart = Math.floor(now / FINNHUB_RATE_WINDOW_MS) * FINNHUB_RATE_WINDOW_MS;
    if (minuteStart !== budget.minuteStart) {
      budget.minuteStart = minuteStart;
      budget.minuteCount = 0;
    }
    const resetEpochSec = (minuteStart + FINNHUB_RATE_WINDOW_MS) / 1000;
    const refused = { admitted: false, limit: this.perMinute, remaining: 0, resetEpochSec };
    if (budget.minuteCount >= this.perMinute) return refused;
    if (budget.second.count(now) >= this.perSecond) return refused;
    budget.minuteCount += 1;
    budget.second.add(now);
    return {
      admitted: true,
      limit: this.perMinute,
      remaining: this.perMinute - budget.minuteCount,
      resetEpochSec,
    };
  }

  /** The headers' view of `apiKey`'s budget without charging (for injected faults). */
  peek(apiKey: string, now: number): FinnhubRateDecision {
    const budget = this.budgets.get(apiKey);
    const minuteStart = Math.floor(now / FINNHUB_RATE_WINDOW_MS) * FINNHUB_RATE_WINDOW_MS;
    const used = budget?.minuteStart === minuteStart ? budget.minuteCount : 0;
    return {
      admitted: true,
      limit: this.perMinute,
      remaining: this.perMinute - used,
      resetEpochSec: (minuteStart + FINNHUB_RATE_WINDOW_MS) / 1000,
    };
  }

  /** Forgets every budget (the reset fault). */
  reset(): void {
    this.budgets.clear();
  }
}
