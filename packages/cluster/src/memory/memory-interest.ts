/**
 * The memory engine's interest: a map symbol -> expiry on one clock, the in-process equivalent
 * of the Redis sorted set, with the same semantics (the later expiry wins, expired counts as
 * not wanted) and listeners called asynchronously, as pub/sub delivers them.
 */
import { performance } from 'node:perf_hooks';
import type { InterestListener, SymbolInterest } from '../engine';
import { validateInterestTouch } from '../interest-validation';
import { silentLogger, type ClusterLogger } from '../logger';

export interface MemoryInterestOptions {
  /** Milliseconds on a monotonic clock (tests inject their own). */
  now: () => number;
  /** Where a listener that throws is reported. */
  logger: ClusterLogger;
}

export const DEFAULT_MEMORY_INTEREST_OPTIONS: MemoryInterestOptions = {
  now: () => performance.now(),
  logger: silentLogger,
};

export class MemoryInterest implements SymbolInterest {
  private readonly options: MemoryInterestOptions;
  private readonly expiries = new Map<string, number>();
  private readonly listeners = new Set<InterestListener>();
  private started = false;

  constructor(options: Partial<MemoryInterestOptions> = {}) {
    this.options = { ...DEFAULT_MEMORY_INTEREST_OPTIONS, ...options };
  }

  async start(): Promise<void> {
    this.started = true;
  }

  async stop(): Promise<void> {
    this.started = false;
    this.listeners.clear();
  }

  async touch(symbols: readonly string[], ttlMs: number): Promise<string[]> {
    validateInterestTouch(symbols, ttlMs);
    if (symbols.length === 0) return [];
    const now = this.options.now();
    const expiry = now + ttlMs;
    const added: string[] = [];
    for (const symbol of symbols) {
      const current = this.expiries.get(symbol);
      if (current === undefined || current <= now) added.push(symbol);
      this.expiries.set(symbol, Math.max(current ?? expiry, expiry));
    }
    this.removeExpired(now);
    if (added.length > 0) this.announce(added);
    return [...added];
  }

  async wanted(): Promise<string[]> {
    this.removeExpired(this.options.now());
    return [...this.expiries.keys()].sort();
  }

  onAdded(listener: InterestListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private removeExpired(now: number): void {
    for (const [symbol, expiry] of this.expiries) if (expiry <= now) this.expiries.delete(symbol);
  }

  /** Later, like a pub/sub message: a listener never runs inside the caller's `touch`. */
  private announce(added: string[]): void {
    queueMicrotask(() => {
      if (!this.started) return;
      for (const listener of this.listeners) {
        try {
          listener([...added]);
        } catch (error) {
          this.options.logger.error({ err: (error as Error).message }, 'interest listener failed');
        }
      }
    });
  }
}
