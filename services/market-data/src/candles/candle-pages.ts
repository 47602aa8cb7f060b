/**
 * `/v1/candles?from=&to=`: closed candles of a time range, a page at a time, from the history
 * database merged with the cluster's Redis window (closes the leader has not copied yet are
 * there). Only with HISTORY_DATABASE_URL: the Redis window alone cannot answer for a range.
 */
import type { Candle } from '@tickwire/core';
import type { CandleHistory, CandleSeriesKey } from '@tickwire/cluster';
import type { HistoryDatabase } from '../history';

export interface CandlePagesOptions {
  database: Pick<HistoryDatabase, 'store' | 'ready' | 'succeeded' | 'failed'>;
  history: Pick<CandleHistory, 'closed' | 'retainedCandles'>;
}

export interface CandlePage {
  /** Closed candles with open times from `from` to `to`, oldest first, at most `limit`. */
  candles: Candle[];
  /** The open time to ask for next (`from=`), when the range holds more; else null. */
  next: number | null;
}

/** The history database cannot answer right now. */
export class HistoryUnavailableError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'HistoryUnavailableError';
  }
}

export class CandlePages {
  constructor(private readonly options: CandlePagesOptions) {}

  async page(series: CandleSeriesKey, from: number, to: number, limit: number): Promise<CandlePage> {
    const { database, history } = this.options;
    if (!database.ready()) throw new HistoryUnavailableError('the history database has not been reached yet');
    let stored: Candle[];
    try {
      // One more than asked for: whether it exists decides `next`.
      stored = await database.store.range(series, from, to, limit + 1);
      database.succeeded();
    } catch (error) {
      database.failed(error);
      throw new HistoryUnavailableError((error as Error).message);
    }
    const recent = (await history.closed(series, history.retainedCandles)).filter(
      (candle) => candle.openTime >= from && candle.openTime <= to,
    );
    // Both hold the same candle for an open time (copies of one append); the database's row wins.
    const byOpenTime = new Map(recent.map((candle) => [candle.openTime, candle]));
    for (const candle of stored) byOpenTime.set(candle.openTime, candle);
    const merged = [...byOpenTime.values()].sort((a, b) => a.openTime - b.openTime);
    return {
      candles: merged.slice(0, limit),
      next: merged.length > limit ? merged[limit]!.openTime : null,
    };
  }
}
