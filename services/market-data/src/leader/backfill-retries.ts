/**
 * When a series whose backfill failed may be tried again. After a hold the exchange itself
 * asked for (a 429's `Retry-After`, a ban, this process's spent share of the budget: the REST
 * client's `retryAt`), exactly then, as the REST fallback does; after any other failure (the
 * exchange unreachable, a 5xx, a malformed answer), after a full-jitter backoff that doubles
 * with each failure of that series, so an exchange that is down is asked less and less often
 * rather than on every poll. A success forgets the series' failures.
 */
import { fullJitterDelay } from '@tickwire/core';
import { isVenueHold } from '@tickwire/service';

export interface BackfillRetryOptions {
  /** The first retry comes within this long (ms); each further failure doubles it. */
  baseMs: number;
  /** Retries never wait longer than this (ms). */
  maxMs: number;
  random?: () => number;
}

/** A failing series is first retried within a second, and at most every five minutes later on. */
export const DEFAULT_BACKFILL_RETRY_OPTIONS: Readonly<BackfillRetryOptions> = Object.freeze({
  baseMs: 1_000,
  maxMs: 300_000,
});

interface Failing {
  failures: number;
  retryAt: number;
}

export class BackfillRetries {
  private readonly failing = new Map<string, Failing>();
  private readonly options: BackfillRetryOptions;

  constructor(options: Partial<BackfillRetryOptions> = {}) {
    this.options = { ...DEFAULT_BACKFILL_RETRY_OPTIONS, ...options };
  }

  /** Whether the series `key` may be tried at `now`. */
  due(key: string, now: number): boolean {
    return (this.failing.get(key)?.retryAt ?? 0) <= now;
  }

  /** Records a failure of `key` at `now`; returns when it may be tried again (ms since the epoch). */
  failed(key: string, error: unknown, now: number): number {
    const failures = (this.failing.get(key)?.failures ?? 0) + 1;
    const retryAt = isVenueHold(error)
      ? Math.max(now, error.retryAt)
      : now + fullJitterDelay(failures - 1, this.options);
    this.failing.set(key, { failures, retryAt });
    return retryAt;
  }

  succeeded(key: string): void {
    this.failing.delete(key);
  }

  /** Forgets every failure (leadership ended: the next leader term starts afresh). */
  clear(): void {
    this.failing.clear();
  }
}
