/**
 * A lazy-fill token bucket, as Coinbase describes its REST limits: `capacity` tokens (the burst),
 * refilled at `ratePerSecond`, computed when a request arrives rather than on a timer. A request
 * takes one token or is refused; a refused request takes none.
 */
export class LazyTokenBucket {
  private tokens: number;
  private filledAt: number | undefined;

  constructor(
    private readonly ratePerSecond: number,
    private readonly capacity: number,
  ) {
    this.tokens = capacity;
  }

  /** Takes one token at `now`; false when none is left. */
  take(now: number): boolean {
    this.fill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** A full bucket again (the reset fault). */
  reset(): void {
    this.tokens = this.capacity;
    this.filledAt = undefined;
  }

  private fill(now: number): void {
    const elapsedMs = this.filledAt === undefined ? 0 : Math.max(0, now - this.filledAt);
    this.tokens = Math.min(this.capacity, this.tokens + (elapsedMs * this.ratePerSecond) / 1_000);
    this.filledAt = now;
  }
}
