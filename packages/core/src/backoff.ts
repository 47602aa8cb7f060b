/**
 * Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And
 * Jitter"): the delay is uniform in [0, min(cap, base * 2^attempt)], so a fleet of pods that
 * lost the exchange at the same moment does not reconnect in lockstep.
 */

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  random?: () => number;
}

/**
 * The delay before the attempt after `failures` failures, for callers that keep the count
 * elsewhere (a durable queue counts failures in Redis, across restarts).
 */
export function fullJitterDelay(failures: number, options: BackoffOptions): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(Math.max(0, failures), 30));
  return Math.floor((options.random ?? Math.random)() * ceiling);
}

export class FullJitterBackoff {
  private attempt = 0;
  private readonly random: () => number;

  constructor(private readonly options: BackoffOptions) {
    this.random = options.random ?? Math.random;
  }

  /** The delay before the next attempt; each call counts one more failure. */
  next(): number {
    const delay = fullJitterDelay(this.attempt, { ...this.options, random: this.random });
    this.attempt += 1;
    return delay;
  }

  /** Failures since the last success. */
  get failures(): number {
    return this.attempt;
  }

  reset(): void {
    this.attempt = 0;
  }
}
