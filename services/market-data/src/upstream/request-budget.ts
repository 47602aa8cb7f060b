/**
 * REST budgets counted by requests (Finnhub: 60 per minute and 30 per second; Coinbase: 10 per
 * second), all applying at once. The fallback spends only a share of each, the rest being left
 * for the symbol catalog and anything else on the same key or IP.
 */
import type { RestRateLimit } from '@tickwire/exchanges';

export class RequestBudget {
  private readonly windows: { limit: number; windowMs: number; sent: number[] }[];

  constructor(
    limits: readonly RestRateLimit[],
    share: number,
    private readonly now: () => number = Date.now,
  ) {
    this.windows = limits.map((limit) => ({
      limit: Math.max(1, Math.floor(limit.maxRequests * share)),
      windowMs: limit.windowMs,
      sent: [],
    }));
  }

  /** Counts one request and returns true when every window has room; false (nothing counted) otherwise. */
  take(): boolean {
    const now = this.now();
    for (const window of this.windows) {
      while (window.sent.length > 0 && window.sent[0]! <= now - window.windowMs) window.sent.shift();
      if (window.sent.length >= window.limit) return false;
    }
    for (const window of this.windows) window.sent.push(now);
    return true;
  }
}
