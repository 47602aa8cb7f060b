/**
 * How many events happened in the last `windowMs`: a rolling window (not clock-aligned buckets,
 * which would let a burst of twice the limit through across a bucket edge). Used for request
 * limits and for "attempts in the last 5 minutes" counters.
 */
export class RollingCounter {
  private times: number[] = [];
  private head = 0;

  constructor(private readonly windowMs: number) {}

  /** Events in the window ending at `now`. */
  count(now: number): number {
    this.expire(now);
    return this.times.length - this.head;
  }

  /** Records one event at `now`; returns the count including it. */
  add(now: number): number {
    this.expire(now);
    this.times.push(now);
    return this.times.length - this.head;
  }

  /** Time at which the oldest event in the window leaves it; undefined when empty. */
  nextExpiry(now: number): number | undefined {
    this.expire(now);
    const oldest = this.times[this.head];
    return oldest === undefined ? undefined : oldest + this.windowMs;
  }

  clear(): void {
    this.times = [];
    this.head = 0;
  }

  private expire(now: number): void {
    const edge = now - this.windowMs;
    while (this.head < this.times.length && (this.times[this.head] ?? now) <= edge) this.head += 1;
    // Compact once the dead prefix dominates, so memory stays proportional to the window.
    if (this.head > 64 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }
}
