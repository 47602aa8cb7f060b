/**
 * Binance's REST request-weight limit (exchanges.md 1.7): weight is counted per fixed window
 * aligned to the clock (the minute, for x-mbx-used-weight-1m); over the limit a request gets
 * 429 with Retry-After = seconds until the window resets; a client that keeps sending while
 * limited is banned with 418 and Retry-After = seconds until the ban ends. Repeat bans double,
 * up to MAX_BAN_MS ("from 2 minutes to 3 days"). One state for the whole simulator: every test
 * client comes from 127.0.0.1, so per-IP state would be the same thing.
 */

/** Longest ban Binance hands out. */
export const MAX_BAN_MS = 3 * 86_400_000;

export interface RateLimiterOptions {
  readonly weightLimit: number;
  readonly windowMs: number;
  /** 429 answers allowed in one window; the next request while limited is banned (418). */
  readonly banAfter429s: number;
  /** Length of the first ban. */
  readonly banMs: number;
}

export type AdmitDecision =
  | { readonly kind: 'ok'; readonly usedWeight: number }
  | { readonly kind: 'limited'; readonly usedWeight: number; readonly retryAfterSec: number }
  | {
      readonly kind: 'banned';
      readonly usedWeight: number;
      readonly retryAfterSec: number;
      readonly bannedUntil: number;
    };

function secondsUntil(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

export class RestRateLimiter {
  private windowStart = 0;
  private used = 0;
  private limitedAnswers = 0;
  private bannedUntil = 0;
  private bans = 0;

  constructor(private readonly options: RateLimiterOptions) {}

  /** Weight used in the window containing `now` (the x-mbx-used-weight header value). */
  usedWeight(now: number): number {
    this.roll(now);
    return this.used;
  }

  /** Charges `weight` for one request and decides its fate. */
  admit(weight: number, now: number): AdmitDecision {
    this.roll(now);
    if (now < this.bannedUntil) {
      return {
        kind: 'banned',
        usedWeight: this.used,
        retryAfterSec: secondsUntil(this.bannedUntil - now),
        bannedUntil: this.bannedUntil,
      };
    }
    this.used += weight;
    if (this.used <= this.options.weightLimit) return { kind: 'ok', usedWeight: this.used };
    if (this.limitedAnswers >= this.options.banAfter429s) {
      this.bans += 1;
      const length = Math.min(MAX_BAN_MS, this.options.banMs * 2 ** (this.bans - 1));
      this.bannedUntil = now + length;
      this.limitedAnswers = 0;
      return {
        kind: 'banned',
        usedWeight: this.used,
        retryAfterSec: secondsUntil(length),
        bannedUntil: this.bannedUntil,
      };
    }
    this.limitedAnswers += 1;
    return {
      kind: 'limited',
      usedWeight: this.used,
      retryAfterSec: secondsUntil(this.windowStart + this.options.windowMs - now),
    };
  }

  /** Forgets weight, 429 history and bans (the reset fault). */
  reset(): void {
    this.windowStart = 0;
    this.used = 0;
    this.limitedAnswers = 0;
    this.bannedUntil = 0;
    this.bans = 0;
  }

  private roll(now: number): void {
    const start = Math.floor(now / this.options.windowMs) * this.options.windowMs;
    if (start === this.windowStart) return;
    this.windowStart = start;
    this.used = 0;
    this.limitedAnswers = 0;
  }
}
