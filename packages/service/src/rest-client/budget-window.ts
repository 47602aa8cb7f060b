/**
 * One budget window of a venue: the weight spent in it, counted before each request is sent,
 * and corrected upwards whenever the venue reports more (other processes on the same IP or key
 * spend from the same budget).
 */
import type { RestWindowLimit } from './rest-venue';

export class BudgetWindow {
  readonly windowMs: number;
  private readonly alignment: RestWindowLimit['alignment'];
  private maxWeight: number;
  /** Fixed windows: the index of the current window and the weight spent in it. */
  private windowIndex = -1;
  private spent = 0;
  /** Rolling windows: every spend, oldest first. */
  private readonly spends: { at: number; weight: number }[] = [];

  constructor(
    limit: RestWindowLimit,
    private readonly share: number,
  ) {
    this.windowMs = limit.windowMs;
    this.maxWeight = limit.maxWeight;
    this.alignment = limit.alignment;
  }

  /** The venue's limit per window. */
  get limit(): number {
    return this.maxWeight;
  }

  /** The part of the limit this process may spend (at least 1). */
  get budget(): number {
    return Math.max(1, Math.floor(this.maxWeight * this.share));
  }

  /** A limit the venue stated (it replaces the configured one). */
  setLimit(maxWeight: number): void {
    if (Number.isFinite(maxWeight) && maxWeight > 0) this.maxWeight = maxWeight;
  }

  used(now: number): number {
    if (this.alignment === 'fixed')
      return Math.floor(now / this.windowMs) === this.windowIndex ? this.spent : 0;
    this.expire(now);
    return this.spends.reduce((sum, spend) => sum + spend.weight, 0);
  }

  /** True when `weight` more stays within the budget. */
  fits(weight: number, now: number): boolean {
    return this.used(now) + weight <= this.budget;
  }

  spend(weight: number, now: number): void {
    if (this.alignment === 'fixed') {
      this.spent = this.used(now) + weight;
      this.windowIndex = Math.floor(now / this.windowMs);
    } else {
      this.spends.push({ at: now, weight });
    }
  }

  /** The venue says `used` is spent in this window: never less than what we counted ourselves. */
  report(used: number, now: number): void {
    const missing = used - this.used(now);
    if (missing > 0) this.spend(missing, now);
  }

  /** When `weight` will fit again (ms since the epoch); `now` if it fits now. */
  fitsAt(weight: number, now: number): number {
    if (this.fits(weight, now)) return now;
    if (this.alignment === 'fixed') return (Math.floor(now / this.windowMs) + 1) * this.windowMs;
    let used = this.used(now);
    for (const spend of this.spends) {
      used -= spend.weight;
      if (used + weight <= this.budget) return spend.at + this.windowMs;
    }
    return now + this.windowMs;
  }

  private expire(now: number): void {
    while (this.spends.length > 0 && this.spends[0]!.at <= now - this.windowMs) this.spends.shift();
  }
}
