/**
 * The leader's copy of closed candles into the history database, in batches.
 *
 * Closes come from the cluster's closes stream, which is the queue: every close a leader stored
 * is there, in order, and the database keeps the id of the last one it committed (in the same
 * transaction as the rows). So nothing is lost while the database is down (the stream holds
 * about a day of closes), and a new leader carries on where the last commit left off, copying
 * what a killed leader stored in Redis but never committed here.
 *
 * Backfilled candles are not in the stream: they wait in a bounded memory queue. When it is full
 * (the database has been down for long), the oldest are dropped, counted, logged, and their
 * series copied again from the Redis series once the database answers. On taking over, a
 * leader copies every known series' Redis window (what a killed leader had queued is there),
 * and does so again after finding the stream trimmed past its cursor.
 *
 * Every row is inserted only if its (symbol, interval, open time) is new, so the overlaps these
 * copies make never duplicate or change a row. Writes are fenced: see HistoryStore.write.
 */
import { CANDLE_INTERVALS, type Candle, type Lifecycle } from '@tickwire/core';
import {
  compareStreamIds,
  parseStreamId,
  type CandleHistory,
  type CandleSeriesKey,
  type Election,
} from '@tickwire/cluster';
import { RepeatedFailureLog, type Logger } from '@tickwire/observability';
import type { HistoryMetrics } from '../metrics';
import type { HistoryDatabase } from './history-database';
import type { HistoryWrite } from './history-store';

export interface HistoryWriterOptions {
  database: Pick<HistoryDatabase, 'store' | 'ready' | 'succeeded' | 'failed'>;
  history: Pick<CandleHistory, 'closesAfter' | 'closed' | 'retainedCandles'>;
  election: Pick<Election, 'state' | 'confirmLeadership'>;
  /** The symbols whose series are copied from Redis on taking over (configured and wanted). */
  symbols(): Promise<readonly string[]>;
  /** A batch is written this often (ms), or at once when the last one was full. */
  flushMs: number;
  /** Rows per write transaction. */
  batchRows: number;
  /** Backfilled candles kept in memory at most; older ones are dropped when more arrive. */
  queueMaxRows: number;
  logger: Logger;
  metrics: HistoryMetrics;
}

const seriesKey = (series: CandleSeriesKey) => `${series.interval}|${series.symbol}`;

export class HistoryWriter implements Lifecycle {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private draining: Promise<void> | undefined;
  /** The last committed close's stream id, as read from the database; undefined until read. */
  private cursor: { id: string | undefined } | undefined;
  private queue: Candle[] = [];
  /** Series whose Redis window is to be copied; `all` until the takeover copy is done. */
  private readonly resync = new Map<string, CandleSeriesKey>();
  private resyncAll = true;
  private readonly failures: RepeatedFailureLog;
  private readonly drops: RepeatedFailureLog;

  constructor(private readonly options: HistoryWriterOptions) {
    this.failures = new RepeatedFailureLog({
      logger: options.logger,
      message: 'history write failed; retrying',
      recoveredMessage: 'history writes recovered',
    });
    this.drops = new RepeatedFailureLog({
      logger: options.logger,
      message: 'history queue full: dropped backfilled candles (copied again from Redis later)',
      recoveredMessage: 'history queue has room again',
    });
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops, after one last attempt to write what is waiting. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.draining;
    await this.drain().catch(() => undefined);
    this.failures.flush();
    this.drops.flush();
    this.queue = [];
    this.options.metrics.queueDepth.set(0);
  }

  /** Backfilled candles the leader just stored in Redis. */
  enqueue(candles: readonly Candle[]): void {
    if (!this.running || candles.length === 0) return;
    this.queue.push(...candles);
    const over = this.queue.length - this.options.queueMaxRows;
    if (over > 0) {
      const dropped = this.queue.splice(0, over);
      for (const candle of dropped) this.resync.set(seriesKey(candle), candle);
      this.options.metrics.dropped.inc(over);
      this.drops.failed(new Error(`${over} dropped`), { queued: this.queue.length });
    }
    this.options.metrics.queueDepth.set(this.queue.length);
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.draining = this.drain()
        .then((full) => this.schedule(full ? 0 : this.options.flushMs))
        .catch(() => this.schedule(this.options.flushMs))
        .finally(() => (this.draining = undefined));
    }, delayMs);
  }

  /** One batch; resolves true when there may be more waiting at once. */
  private async drain(): Promise<boolean> {
    const { database, history, election, batchRows } = this.options;
    if (!database.ready()) return false;
    try {
      this.cursor ??= { id: await this.loadCursor() };
      if (await this.copyResync()) return true;
      const closes = await history.closesAfter(this.cursor.id, batchRows);
      const backfilled = this.queue.slice(0, batchRows - closes.length);
      if (closes.length === 0 && backfilled.length === 0) return false;
      const last = closes.at(-1);
      const written = await this.write(
        [...closes.map((entry) => entry.candle), ...backfilled],
        last ? { expected: this.cursor.id ?? null, next: last.id } : undefined,
      );
      if (!written) return false;
      if (last) this.cursor = { id: last.id };
      this.queue.splice(0, backfilled.length);
      this.options.metrics.queueDepth.set(this.queue.length);
      this.drops.succeeded();
      return closes.length + backfilled.length >= batchRows;
    } catch (error) {
      // The cursor is read again: another writer may have moved it meanwhile.
      this.cursor = undefined;
      this.options.metrics.writeFailures.inc({ reason: 'error' });
      database.failed(error);
      this.failures.failed(error, { epoch: election.state().epoch });
      return false;
    }
  }

  /** Writes one batch; false when it was refused (the cause is counted and logged). */
  private async write(candles: Candle[], cursor: HistoryWrite['cursor']): Promise<boolean> {
    const { database, election, metrics } = this.options;
    const state = election.state();
    const result = await database.store.write({
      epoch: state.epoch,
      instanceId: state.instanceId,
      candles,
      ...(cursor && { cursor }),
      stillLeading: () => election.confirmLeadership(),
    });
    database.succeeded();
    switch (result.outcome) {
      case 'written':
        metrics.writeBatches.inc();
        metrics.rowsWritten.inc(result.inserted);
        this.failures.succeeded();
        return true;
      case 'cursor-moved':
        this.cursor = { id: result.cursor ?? undefined };
        return false;
      case 'fenced':
        // Not a reason to give up the lease: the election decides who leads. A deposed leader
        // hears so from Redis within its renew deadline and stops this writer.
        metrics.writeFailures.inc({ reason: 'fenced' });
        this.failures.failed(new Error(`history written by epoch ${result.storedEpoch}`), {
          epoch: state.epoch,
        });
        return false;
    }
  }

  /** The committed cursor; when the stream no longer reaches back to it, the Redis series are copied. */
  private async loadCursor(): Promise<string | undefined> {
    const cursor = await this.options.database.store.closesCursor();
    const oldest = (await this.options.history.closesAfter(undefined, 1))[0];
    const at = cursor === undefined ? undefined : parseStreamId(cursor);
    const first = oldest === undefined ? undefined : parseStreamId(oldest.id);
    if (at && first && compareStreamIds(first, at) > 0) {
      this.options.metrics.streamGaps.inc();
      this.options.logger.warn(
        { cursor, oldest: oldest?.id },
        'the closes stream was trimmed past the history cursor: copying the Redis series',
      );
      this.resyncAll = true;
    }
    return cursor;
  }

  /** Copies one series' Redis window if any is due; true when it did (more may be due). */
  private async copyResync(): Promise<boolean> {
    if (this.resyncAll) {
      for (const symbol of await this.options.symbols())
        for (const interval of CANDLE_INTERVALS)
          this.resync.set(`${interval}|${symbol}`, { symbol, interval });
      this.resyncAll = false;
    }
    const [key, series] = this.resync.entries().next().value ?? [];
    if (key === undefined || series === undefined) return false;
    const candles = await this.options.history.closed(series, this.options.history.retainedCandles);
    for (let at = 0; at < candles.length; at += this.options.batchRows)
      if (!(await this.write(candles.slice(at, at + this.options.batchRows), undefined))) return false;
    this.resync.delete(key);
    return true;
  }
}
