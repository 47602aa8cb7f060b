/**
 * Connection attempts to one exchange, counted over its rolling window (Binance: 300 per 5 min
 * per IP, and IPs that keep breaking it get banned). Every connection the leader opens to the
 * exchange (shards, rotations, reconnects) takes a slot first; when none is free the attempt
 * waits for the oldest slot to leave the window instead of being made.
 */

/** Share of the exchange's connect allowance this pod uses: room for a restart or a neighbour. */
export const CONNECT_BUDGET_SHARE = 0.8;

export class ConnectBudget {
  private readonly attempts: number[] = [];
  private readonly limit: number;

  constructor(
    maxConnectsPerWindow: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.limit = Math.max(1, Math.floor(maxConnectsPerWindow * CONNECT_BUDGET_SHARE));
  }

  /** Takes a slot and returns 0, or returns how long (ms) to wait before asking again. */
  reserve(): number {
    const now = this.now();
    while (this.attempts.length > 0 && this.attempts[0]! <= now - this.windowMs) this.attempts.shift();
    if (this.attempts.length < this.limit) {
      this.attempts.push(now);
      return 0;
    }
    return this.attempts[0]! + this.windowMs - now + 1;
  }

  /** Attempts counted in the current window. */
  used(): number {
    return this.attempts.length;
  }

  get allowance(): number {
    return this.limit;
  }
}
