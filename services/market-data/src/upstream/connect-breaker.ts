/**
 * The circuit breaker around connecting to one exchange (opossum), shared by every connection
 * the leader holds to it. After repeated failed connects it opens: no attempt is made until
 * `resetMs` has passed, then one trial attempt (half-open) decides whether it closes again.
 * This keeps a failing exchange from being hit by reconnect storms (Binance allows 300
 * connects per 5 min per IP and bans repeat offenders), while the REST fallback serves prices.
 */
import CircuitBreaker from 'opossum';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface ConnectBreakerOptions {
  /** Failed connects within the rolling window that open the breaker. */
  failuresToOpen: number;
  /** Time the breaker stays open before a trial connect (ms). */
  resetMs: number;
  /** Every breaker event (open, halfOpen, close, reject, failure, success), for metrics. */
  onEvent?(event: BreakerEvent, state: BreakerState): void;
}

export type BreakerEvent = 'open' | 'halfOpen' | 'close' | 'reject' | 'failure' | 'success';

/** Failures are counted over this window (ms); older ones are forgotten. */
const ROLLING_WINDOW_MS = 60_000;
const ROLLING_BUCKETS = 6;
const EVENTS: readonly BreakerEvent[] = ['open', 'halfOpen', 'close', 'reject', 'failure', 'success'];
const STATE_OF_EVENT: Partial<Record<BreakerEvent, BreakerState>> = {
  open: 'open',
  halfOpen: 'half-open',
  close: 'closed',
};

type Connect = () => Promise<unknown>;

export class ConnectBreaker {
  private readonly breaker: CircuitBreaker<[Connect], unknown>;
  private readonly stateListeners = new Set<(state: BreakerState) => void>();

  constructor(options: ConnectBreakerOptions) {
    this.breaker = new CircuitBreaker((connect: Connect) => connect(), {
      // Connect attempts carry their own handshake timeout.
      timeout: false,
      // With the volume threshold, "every attempt in the window failed" opens it.
      errorThresholdPercentage: 50,
      volumeThreshold: options.failuresToOpen,
      rollingCountTimeout: ROLLING_WINDOW_MS,
      rollingCountBuckets: ROLLING_BUCKETS,
      resetTimeout: options.resetMs,
    });
    // opossum types each event's listener separately; ours take no arguments.
    for (const event of EVENTS) {
      this.breaker.on(event as 'close', () => {
        options.onEvent?.(event, this.state());
        const state = STATE_OF_EVENT[event];
        if (state) for (const listener of this.stateListeners) listener(state);
      });
    }
  }

  /** Attempts a connect; rejects at once with a breaker error while open (see `isOpenError`). */
  fire<T>(connect: () => Promise<T>): Promise<T> {
    return this.breaker.fire(connect) as Promise<T>;
  }

  /** Calls `listener` on every change to open, half-open or closed; returns the unsubscribe. */
  onStateChange(listener: (state: BreakerState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  state(): BreakerState {
    if (this.breaker.opened) return 'open';
    if (this.breaker.halfOpen) return 'half-open';
    return 'closed';
  }

  isOpenError(error: unknown): boolean {
    return error instanceof Error && CircuitBreaker.isOurError(error);
  }

  /** Clears the breaker's timers. */
  shutdown(): void {
    this.stateListeners.clear();
    this.breaker.shutdown();
  }
}
