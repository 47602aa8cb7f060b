/**
 * The leader's candle work: every candle this pod's book closes is stored once through the
 * fenced append (the store skips open times it holds, so candles a previous leader stored are
 * not doubled), and the series any pod or service asked to backfill are backfilled. A refused
 * append means this pod no longer leads. A backfill that fails is retried on the series' own
 * schedule (the exchange's hold, else a growing backoff) and logged once per outage and
 * exchange, with a count every few seconds, not once per poll.
 */
import type { Candle, Lifecycle } from '@tickwire/core';
import type { CandleBook, CandleHistory, CandleSeriesKey } from '@tickwire/cluster';
import { fromCanonicalSymbol } from '@tickwire/exchanges';
import { RepeatedFailureLog, type Logger } from '@tickwire/observability';
import type { CandleBackfill } from '../candles';
import { BackfillRetries, type BackfillRetryOptions } from './backfill-retries';

export interface CandleWriterOptions {
  book: Pick<CandleBook, 'onClose'>;
  history: Pick<CandleHistory, 'appendClosed' | 'backfillRequests'>;
  backfill: Pick<CandleBackfill, 'fill'>;
  logger: Logger;
  /** Told about every refused append (a fencing refusal means this pod must step down). */
  onRefused(error: unknown): void;
  /** How often backfill requests are read (ms). */
  requestPollMs?: number;
  /** When a failed backfill is tried again. */
  retry?: Partial<BackfillRetryOptions>;
  now?: () => number;
}

/** Backfill requests are read this often (ms): a follower's `pending` answer lasts about this long. */
export const BACKFILL_REQUEST_POLL_MS = 500;

export class CandleWriter implements Lifecycle {
  private off: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private writes: Promise<void> = Promise.resolve();
  private polling = false;
  private readonly failures: RepeatedFailureLog;
  private readonly retries: BackfillRetries;
  /** Per exchange: its backfills fail together when it is down or holds us back. */
  private readonly backfillFailures = new Map<string, RepeatedFailureLog>();
  private readonly now: () => number;

  constructor(private readonly options: CandleWriterOptions) {
    this.now = options.now ?? Date.now;
    this.failures = new RepeatedFailureLog({
      logger: options.logger,
      message: 'candle write failed',
      recoveredMessage: 'candle writes recovered',
      level: 'error',
    });
    this.retries = new BackfillRetries(options.retry);
  }

  async start(): Promise<void> {
    if (this.off) return;
    this.off = this.options.book.onClose((candle) => this.write(candle));
    this.timer = setInterval(
      () => void this.pollRequests(),
      this.options.requestPollMs ?? BACKFILL_REQUEST_POLL_MS,
    );
    void this.pollRequests();
  }

  /** Stops taking closes and waits for the writes already taken. */
  async stop(): Promise<void> {
    this.off?.();
    this.off = undefined;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.writes;
    this.failures.flush();
    for (const log of this.backfillFailures.values()) log.flush();
    this.backfillFailures.clear();
    this.retries.clear();
  }

  private write(candle: Candle): void {
    // One after another, so closes reach the stream in the order they happened.
    this.writes = this.writes.then(async () => {
      try {
        await this.options.history.appendClosed({
          symbol: candle.symbol,
          interval: candle.interval,
          candles: [candle],
          source: 'close',
        });
        this.failures.succeeded();
      } catch (error) {
        this.failures.failed(error, { symbol: candle.symbol, interval: candle.interval });
        this.options.onRefused(error);
      }
    });
  }

  private async pollRequests(): Promise<void> {
    if (this.polling || !this.off) return;
    this.polling = true;
    try {
      const requests = await this.options.history.backfillRequests();
      // One series at a time: the budget is shared with the REST fallback, which must not starve.
      for (const series of requests) {
        if (!this.off) break;
        await this.backfill(series);
      }
    } catch (error) {
      this.options.logger.warn({ err: (error as Error).message }, 'cannot read candle backfill requests');
    } finally {
      this.polling = false;
    }
  }

  /** One series' backfill, if its retry time has come. */
  private async backfill(series: CandleSeriesKey): Promise<void> {
    const key = `${series.interval}|${series.symbol}`;
    if (!this.retries.due(key, this.now())) return;
    const log = this.backfillLog(series);
    try {
      await this.options.backfill.fill(series);
      this.retries.succeeded(key);
      log.succeeded({ symbol: series.symbol, interval: series.interval });
    } catch (error) {
      const retryAt = this.retries.failed(key, error, this.now());
      log.failed(error, {
        symbol: series.symbol,
        interval: series.interval,
        retryAt: new Date(retryAt).toISOString(),
      });
      this.options.onRefused(error);
    }
  }

  private backfillLog(series: CandleSeriesKey): RepeatedFailureLog {
    const exchange = fromCanonicalSymbol(series.symbol)?.exchange ?? 'unknown';
    let log = this.backfillFailures.get(exchange);
    if (!log) {
      log = new RepeatedFailureLog({
        logger: this.options.logger.child({ exchange }),
        message: 'candle backfill failed; retrying later',
        recoveredMessage: 'candle backfill recovered',
        now: this.now,
      });
      this.backfillFailures.set(exchange, log);
    }
    return log;
  }
}
