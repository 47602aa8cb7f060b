/**
 * The circuit breaker around connecting to one exchange (opossum), shared by every connection
 * the leader holds to it. After repeated failed connects it opens: no attempt is made until
 * `resetMs` has passed, then one trial attempt (half-open) decides whether it closes again.
 * This keeps a failing exchange from being hit by reconnect storms (Binance allows 300
 * connects per 5 min per IP and bans repeat offenders), while the REST fallback serves prices.
 *
 * Opening is decided here, not by opossum: opossum opens on an error *rate* once a volume of
 * attempts was made, so every successful connect in its window (the connection that later
 * dropped, another shard's) made fewer failures open it. Here exactly `failuresToOpen` failed
 * connects within the window open it, whatever succeeded in between; opossum keeps the rest
 * (rejecting while open, the half-open trial, reopening when the trial fails).
 */
import CircuitBreaker from 'opossum';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface ConnectBreakerOptions {
  /** Failed connects within {@link FAILURE_WINDOW_MS} that open the breaker. */
  failuresToOpen: number;
  /** Time the breaker stays open before a trial connect (ms). */
  resetMs: number;
  /** Every breaker event (open, halfOpen, close, reject, failure, success), for metrics. */
  onEvent?(event: BreakerEvent, state: BreakerState): void;
  /** The clock failures are timed with (ms); tests move it by hand. */
  now?: () => number;
}

export type BreakerEvent = 'open' | 'halfOpen' | 'close' | 'reject' | 'failure' | 'success';

/** Failed connects are counted over this window (ms); older ones are forgotten. */
export const FAILURE_WINDOW_MS = 60_000;
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
  /** When each failed connect counted towards opening happened (ms), oldest first. */
  private failures: number[] = [];
  private readonly now: () => number;

  constructor(private readonly options: ConnectBreakerOptions) {
    this.now = options.now ?? Date.now;
    this.breaker = new CircuitBreaker((connect: Connect) => connect(), {
      // Connect attempts carry their own handshake timeout.
      timeout: false,
      // opossum never reaches its volume threshold, so it opens only when a half-open trial
      // fails; `countFailure` opens it otherwise.
      volumeThreshold: Number.MAX_SAFE_INTEGER,
      resetTimeout: options.resetMs,
    });
    // opossum types each event's listener separately; ours take no arguments.
    for (const event of EVENTS) {
      this.breaker.on(event as 'close', () => {
        // Before the metrics hear of the failure, so they see the state it led to.
        if (event === 'failure') this.countFailure();
        // A closed breaker counts afresh: the failures that opened it are history.
        if (event === 'close') this.failures = [];
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

  /**
   * A failed connect while closed: opens the breaker when it is the `failuresToOpen`th within
   * the window. A failed half-open trial reopens it through opossum; failures of attempts
   * that were in flight when it opened do not count.
   */
  private countFailure(): void {
    if (this.state() !== 'closed') return;
    const now = this.now();
    this.failures = this.failures.filter((at) => now - at < FAILURE_WINDOW_MS);
    this.failures.push(now);
    if (this.failures.length >= this.options.failuresToOpen) this.breaker.open();
  }

  /** Clears the breaker's timers. */
  shutdown(): void {
    this.stateListeners.clear();
    this.breaker.shutdown();
  }
}
