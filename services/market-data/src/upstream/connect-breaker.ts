/**
 * The circuit breaker around connecting to an exchange (opossum). After repeated failed
 * connects it opens: no attempt is made until `resetMs` has passed, then one trial attempt
 * (half-open) decides whether it closes again. This keeps a failing exchange from being hit
 * by reconnect storms (Binance allows 300 connects per 5 min per IP and bans repeat
 * offenders), while the REST fallback serves prices.
 */
import CircuitBreaker from 'opossum';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface ConnectBreakerOptions {
  /** Failed connects within the rolling window that open the breaker. */
  failuresToOpen: number;
  /** Time the breaker stays open before a trial connect (ms). */
  resetMs: number;
  onStateChange?(state: BreakerState): void;
  /** Every breaker event (open, halfOpen, close, reject, failure, success), for metrics. */
  onEvent?(event: BreakerEvent): void;
}

export type BreakerEvent = 'open' | 'halfOpen' | 'close' | 'reject' | 'failure' | 'success';

/** Failures are counted over this window (ms); older ones are forgotten. */
const ROLLING_WINDOW_MS = 60_000;
const ROLLING_BUCKETS = 6;
const EVENTS: readonly BreakerEvent[] = ['open', 'halfOpen', 'close', 'reject', 'failure', 'success'];

export class ConnectBreaker<T> {
  private readonly breaker: CircuitBreaker<[], T>;

  constructor(connect: () => Promise<T>, options: ConnectBreakerOptions) {
    this.breaker = new CircuitBreaker(connect, {
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
    for (const event of EVENTS) this.breaker.on(event as 'close', () => options.onEvent?.(event));
    this.breaker.on('open', () => options.onStateChange?.('open'));
    this.breaker.on('halfOpen', () => options.onStateChange?.('half-open'));
    this.breaker.on('close', () => options.onStateChange?.('closed'));
  }

  /** Attempts a connect; rejects at once with a breaker error while open (see `isOpenError`). */
  fire(): Promise<T> {
    return this.breaker.fire();
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
    this.breaker.shutdown();
  }
}
