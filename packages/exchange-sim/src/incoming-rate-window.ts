/**
 * Binance's "5 incoming messages per second" limit: text frames, pings and pongs all count.
 * Measured over a rolling second (not a token bucket, which would let a burst of up to twice
 * the limit through across a bucket refill).
 */

/** Length of the rolling window the incoming-message limit is measured over. */
export const INCOMING_WINDOW_MS = 1_000;

export class IncomingRateWindow {
  private readonly times: number[] = [];

  constructor(private readonly maxPerWindow: number) {}

  /** Frames in the rolling second as of the last hit (the violating one included). */
  get lastCount(): number {
    return this.times.length;
  }

  /** Records one incoming frame; false when it takes the count over the limit. */
  hit(now: number): boolean {
    const edge = now - INCOMING_WINDOW_MS;
    let expired = 0;
    while (expired < this.times.length && (this.times[expired] ?? now) <= edge) expired += 1;
    if (expired > 0) this.times.splice(0, expired);
    this.times.push(now);
    return this.times.length <= this.maxPerWindow;
  }
}
