/**
 * Everything one process may still send to one venue: its budget windows and its hold (after
 * a 429, until `Retry-After` has passed; after a ban, until it lifts). Shared by every caller
 * of the venue, so two components on one IP cannot each spend the whole budget.
 */
import { BudgetWindow } from './budget-window';
import type { RestLearnedLimit, RestRefusal, RestReportedUsage, RestVenue } from './rest-venue';

/** Why a request may not go now, and when it may. */
export interface BudgetRefusal {
  reason: 'rate-limited' | 'banned' | 'budget';
  /** When the venue takes this request again (ms since the epoch). */
  retryAt: number;
}

export interface VenueWindowStatus {
  windowMs: number;
  /** The venue's limit per window, and the share of it this process may spend. */
  limit: number;
  budget: number;
  used: number;
}

export interface VenueStatus {
  venue: string;
  /** Requests are held back until `heldUntil`: after a 429 (`rate-limited`) or a ban (`banned`). */
  held: 'rate-limited' | 'banned' | undefined;
  heldUntil: number | undefined;
  windows: VenueWindowStatus[];
}

export class VenueBudget {
  private readonly windows: BudgetWindow[];
  private heldUntil = 0;
  private banned = false;

  constructor(readonly venue: RestVenue) {
    const share = venue.share ?? 1;
    this.windows = venue.limits.map((limit) => new BudgetWindow(limit, share));
  }

  /** Counts `weight` against every window and returns undefined, or counts nothing and says why. */
  take(weight: number, now: number): BudgetRefusal | undefined {
    if (this.heldUntil > now) {
      return { reason: this.banned ? 'banned' : 'rate-limited', retryAt: this.heldUntil };
    }
    const retryAt = Math.max(now, ...this.windows.map((window) => window.fitsAt(weight, now)));
    if (retryAt > now) return { reason: 'budget', retryAt };
    for (const window of this.windows) window.spend(weight, now);
    return undefined;
  }

  /** True when `weight` could never fit: it is above some window's whole budget. */
  exceedsBudget(weight: number): boolean {
    return this.windows.some((window) => weight > window.budget);
  }

  /** Holds every request until the refusal's wait has passed; returns when that is. */
  hold(refusal: RestRefusal, now: number): number {
    if (this.heldUntil <= now) this.banned = false;
    // A later answer never shortens a hold already running (a ban outlasts a 429 seen after it).
    this.heldUntil = Math.max(this.heldUntil, now + Math.max(0, refusal.waitMs));
    this.banned ||= refusal.ban;
    return this.heldUntil;
  }

  report(usage: readonly RestReportedUsage[], now: number): void {
    for (const { windowMs, used } of usage) this.windowOf(windowMs)?.report(used, now);
  }

  learn(limits: readonly RestLearnedLimit[]): void {
    for (const { windowMs, maxWeight } of limits) this.windowOf(windowMs)?.setLimit(maxWeight);
  }

  status(now: number): VenueStatus {
    const held = this.heldUntil > now;
    return {
      venue: this.venue.name,
      held: held ? (this.banned ? 'banned' : 'rate-limited') : undefined,
      heldUntil: held ? this.heldUntil : undefined,
      windows: this.windows.map((window) => ({
        windowMs: window.windowMs,
        limit: window.limit,
        budget: window.budget,
        used: window.used(now),
      })),
    };
  }

  private windowOf(windowMs: number): BudgetWindow | undefined {
    return this.windows.find((window) => window.windowMs === windowMs);
  }
}
