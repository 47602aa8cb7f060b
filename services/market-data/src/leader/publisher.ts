/**
 * The leader's publisher: merges each exchange update into the latest ticker of its symbol
 * and hands the merged tickers to the distribution in small batches (one write per batch,
 * a few ms apart), in arrival order so candles downstream see every trade.
 */
import { mergeTicker, type Lifecycle, type Ticker, type TickerUpdate } from '@tickwire/core';
import type { Distribution } from '@tickwire/cluster';
import { RepeatedFailureLog, type Logger } from '@tickwire/observability';
import type { PodMetrics } from '../metrics';

export interface PublisherOptions {
  distribution: Distribution;
  /** How long updates gather before a batch is written (ms); 0 = the next event-loop turn. */
  batchMs: number;
  logger: Logger;
  metrics: PodMetrics;
  /** Told about every refused write (a fencing refusal means this pod must step down). */
  onRefused?: (error: unknown) => void;
  /** While writes keep failing, how often the count of failures is logged (ms). */
  failureLogIntervalMs?: number;
}

/** A batch never grows past this many tickers; a burst is split into several writes. */
export const MAX_BATCH_TICKERS = 1_000;

export class Publisher implements Lifecycle {
  private readonly latest = new Map<string, Ticker>();
  private pending: Ticker[] = [];
  private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  private running = false;
  private inFlight: Promise<void> = Promise.resolve();
  /** A store outage fails every batch: one line when it starts, a count per interval, one when it ends. */
  private readonly failures: RepeatedFailureLog;

  constructor(private readonly options: PublisherOptions) {
    this.failures = new RepeatedFailureLog({
      logger: options.logger,
      message: 'publish failed',
      recoveredMessage: 'publishing recovered',
      level: 'error',
      intervalMs: options.failureLogIntervalMs,
    });
  }

  /** Starts from the distribution's latest table, so merges continue where the last leader stopped. */
  async start(): Promise<void> {
    if (this.running) return;
    for (const ticker of (await this.options.distribution.snapshot()).tickers)
      this.latest.set(ticker.symbol, ticker);
    this.running = true;
  }

  /** Flushes what is pending, then stops accepting updates. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.clearTimer();
    this.flush();
    await this.inFlight;
    this.failures.flush();
  }

  /** The latest ticker of a symbol as this publisher merged it (from the last leader's table at first). */
  latestTicker(symbol: string): Ticker | undefined {
    return this.latest.get(symbol);
  }

  publish(updates: TickerUpdate[]): void {
    if (!this.running) return;
    for (const update of updates) {
      const merged = mergeTicker(this.latest.get(update.symbol), update);
      this.latest.set(update.symbol, merged);
      this.pending.push(merged);
    }
    if (this.pending.length >= MAX_BATCH_TICKERS) {
      this.clearTimer();
      this.flush();
    } else if (!this.timer) {
      this.timer =
        this.options.batchMs === 0
          ? setImmediate(() => this.flush())
          : setTimeout(() => this.flush(), this.options.batchMs);
    }
  }

  private flush(): void {
    this.timer = undefined;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_BATCH_TICKERS);
      // Batches are written one after another so the stream keeps arrival order.
      this.inFlight = this.inFlight.then(() => this.write(batch));
    }
  }

  private async write(batch: Ticker[]): Promise<void> {
    try {
      await this.options.distribution.publish(batch);
      this.options.metrics.ticksPublished.inc(batch.length);
      this.failures.succeeded();
    } catch (error) {
      this.options.metrics.publishErrors.inc();
      this.failures.failed(error, { tickers: batch.length });
      this.options.onRefused?.(error);
    }
  }

  private clearTimer(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer as NodeJS.Timeout);
    clearImmediate(this.timer as NodeJS.Immediate);
    this.timer = undefined;
  }
}
