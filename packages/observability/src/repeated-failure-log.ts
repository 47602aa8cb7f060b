/**
 * Logs an operation that keeps failing the same way (every write to a store that is down)
 * without flooding the log: the first failure in full, then at most one line per interval
 * with how many failures happened since the previous line, and one line when the operation
 * works again, with the outage's total. A reader sees when it started, that it went on, and
 * when it ended; the exact count stays in the component's `_total` counter.
 */

/** How often a failure that keeps happening is logged again, with its count (ms). */
export const REPEATED_FAILURE_LOG_INTERVAL_MS = 10_000;

/** The part of a pino logger this needs, so components typed on a narrower logger can use it. */
export interface FailureLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface RepeatedFailureLogOptions {
  logger: FailureLogger;
  /** The line for a failure: `'publish failed'`. Repeats are logged under the same message. */
  message: string;
  /** The line once the operation works again: `'publishing recovered'`. */
  recoveredMessage: string;
  /** Level of the failure lines; recovery is logged at `info`. */
  level?: 'warn' | 'error';
  /** At most one line per this many ms while failures go on (ms). */
  intervalMs?: number;
  /** The clock; tests pass their own. */
  now?: () => number;
}

interface Outage {
  startedAt: number;
  lastLineAt: number;
  total: number;
  sinceLastLine: number;
  /** The latest failure's fields, logged if the outage ends before its next line. */
  latest: Record<string, unknown>;
}

export class RepeatedFailureLog {
  private outage: Outage | undefined;
  private readonly level: 'warn' | 'error';
  private readonly intervalMs: number;
  private readonly now: () => number;

  constructor(private readonly options: RepeatedFailureLogOptions) {
    this.level = options.level ?? 'warn';
    this.intervalMs = options.intervalMs ?? REPEATED_FAILURE_LOG_INTERVAL_MS;
    this.now = options.now ?? Date.now;
  }

  /** Whether the last attempt failed. */
  get failing(): boolean {
    return this.outage !== undefined;
  }

  /** Records one failure; logs it if it is the first, or if the interval has passed since the last line. */
  failed(error: unknown, fields: Record<string, unknown> = {}): void {
    const now = this.now();
    const latest = { ...fields, err: error instanceof Error ? error.message : String(error) };
    const outage = this.outage;
    if (!outage) {
      this.outage = { startedAt: now, lastLineAt: now, total: 1, sinceLastLine: 0, latest };
      this.options.logger[this.level](latest, this.options.message);
      return;
    }
    outage.total += 1;
    outage.sinceLastLine += 1;
    outage.latest = latest;
    if (now - outage.lastLineAt >= this.intervalMs) this.logRepeats(outage, now);
  }

  /** Records a success: ends an outage with one line saying how long it lasted and how many failed. */
  succeeded(fields: Record<string, unknown> = {}): void {
    const outage = this.outage;
    if (!outage) return;
    this.outage = undefined;
    this.options.logger.info(
      { ...fields, failures: outage.total, failingForMs: this.now() - outage.startedAt },
      this.options.recoveredMessage,
    );
  }

  /** Logs the failures not logged yet (when the component stops in the middle of an outage). */
  flush(): void {
    const outage = this.outage;
    if (outage && outage.sinceLastLine > 0) this.logRepeats(outage, this.now());
  }

  private logRepeats(outage: Outage, now: number): void {
    this.options.logger[this.level](
      { ...outage.latest, failures: outage.sinceLastLine, failingForMs: now - outage.startedAt },
      this.options.message,
    );
    outage.lastLineAt = now;
    outage.sinceLastLine = 0;
  }
}
