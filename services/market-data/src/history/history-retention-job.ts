/**
 * The leader's retention of the history database: every `checkMs`, the candles of each interval
 * older than its retention (HISTORY_RETENTION) are deleted. Deleting is not fenced: it touches
 * only rows past their age, the same whichever pod deletes them.
 */
import { CANDLE_INTERVALS, type Lifecycle } from '@tickwire/core';
import type { Logger } from '@tickwire/observability';
import type { HistoryMetrics } from '../metrics';
import type { HistoryDatabase } from './history-database';
import type { HistoryRetention } from './retention';

export interface HistoryRetentionJobOptions {
  database: Pick<HistoryDatabase, 'store' | 'ready' | 'succeeded' | 'failed'>;
  retention: HistoryRetention;
  checkMs: number;
  logger: Logger;
  metrics: Pick<HistoryMetrics, 'rowsDeleted'>;
  now?: () => number;
}

export class HistoryRetentionJob implements Lifecycle {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly options: HistoryRetentionJobOptions) {}

  async start(): Promise<void> {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runOnce(), this.options.checkMs);
    void this.runOnce();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass over the intervals (a pass still running is shared). */
  runOnce(): Promise<void> {
    this.running ??= this.deleteExpired().finally(() => (this.running = undefined));
    return this.running;
  }

  private async deleteExpired(): Promise<void> {
    const { database, retention, logger, metrics } = this.options;
    if (!database.ready()) return;
    const now = (this.options.now ?? Date.now)();
    for (const interval of CANDLE_INTERVALS) {
      const ageMs = retention[interval];
      if (ageMs === null) continue;
      try {
        const deleted = await database.store.deleteOlderThan(interval, now - ageMs);
        database.succeeded();
        metrics.rowsDeleted.inc({ interval }, deleted);
        if (deleted > 0) logger.info({ interval, deleted, ageMs }, 'deleted candles past their retention');
      } catch (error) {
        database.failed(error);
        return;
      }
    }
  }
}
