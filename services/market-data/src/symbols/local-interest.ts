/**
 * This pod's part of the cluster-wide symbol interest: the symbols its clients stream or ask for
 * are touched in the engine's registry with a TTL of the grace period, and touched again every
 * third of it while a client still wants them. When the last client leaves, nothing touches the
 * symbol any more and it expires a grace period later, everywhere at once: no reference count
 * can leak when a pod dies without saying goodbye.
 */
import type { Lifecycle } from '@tickwire/core';
import type { SymbolInterest } from '@tickwire/cluster';
import { RepeatedFailureLog, type Logger } from '@tickwire/observability';

/** The registry takes at most this many symbols per touch. */
const TOUCH_CHUNK = 1_024;
/** A symbol is touched again once a third of its TTL has passed, so two refreshes can fail in a row. */
const REFRESHES_PER_GRACE = 3;

export interface LocalInterestOptions {
  interest: SymbolInterest;
  /** TTL of a touch (ms): how long a symbol stays wanted after its last client. */
  graceMs: number;
  /** Symbols with a client on this pod right now (the hub's subscribed symbols). */
  current(): Iterable<string>;
  logger: Logger;
}

export class LocalInterest implements Lifecycle {
  private readonly touchedAt = new Map<string, number>();
  private readonly pending = new Set<string>();
  private flushScheduled = false;
  private refreshTimer: NodeJS.Timeout | undefined;
  private readonly refreshMs: number;
  /** While the registry is down every touch fails: the outage is logged, not each touch. */
  private readonly failures: RepeatedFailureLog;

  constructor(private readonly options: LocalInterestOptions) {
    this.refreshMs = Math.max(100, Math.floor(options.graceMs / REFRESHES_PER_GRACE));
    this.failures = new RepeatedFailureLog({
      logger: options.logger,
      message: 'could not register wanted symbols',
      recoveredMessage: 'registering wanted symbols again',
    });
  }

  async start(): Promise<void> {
    this.refreshTimer = setInterval(() => this.refresh(), this.refreshMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.refreshTimer);
    this.refreshTimer = undefined;
    this.pending.clear();
  }

  /** A client wants these symbols: those not touched lately are registered on the next turn. */
  want(symbols: Iterable<string>): void {
    const now = Date.now();
    for (const symbol of symbols) {
      const at = this.touchedAt.get(symbol);
      if (at === undefined || now - at >= this.refreshMs) this.pending.add(symbol);
    }
    if (this.pending.size === 0 || this.flushScheduled || this.refreshTimer === undefined) return;
    // One touch for a burst of requests (a reconnect storm asks for the same symbols thousands of times).
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      void this.flush();
    });
  }

  private refresh(): void {
    const now = Date.now();
    for (const [symbol, at] of this.touchedAt)
      if (now - at > this.options.graceMs) this.touchedAt.delete(symbol);
    this.want(this.options.current());
  }

  private async flush(): Promise<void> {
    const symbols = [...this.pending];
    this.pending.clear();
    for (let start = 0; start < symbols.length; start += TOUCH_CHUNK) {
      const chunk = symbols.slice(start, start + TOUCH_CHUNK);
      try {
        await this.options.interest.touch(chunk, this.options.graceMs);
        const now = Date.now();
        for (const symbol of chunk) this.touchedAt.set(symbol, now);
        this.failures.succeeded();
      } catch (error) {
        // Not marked as touched: the next refresh (or request) tries again.
        this.failures.failed(error);
      }
    }
  }
}
