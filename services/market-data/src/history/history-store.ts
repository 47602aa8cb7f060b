/**
 * The history database's queries: the fenced batch write, range reads, retention deletes. The
 * pool is created in one place (history-database.ts); this file only speaks SQL.
 */
import type { Candle, CandleInterval } from '@tickwire/core';
import type { CandleSeriesKey } from '@tickwire/cluster';
import type { Pool, PoolClient } from 'pg';

/** One write transaction of the leader. */
export interface HistoryWrite {
  /** The writer's leadership epoch: refused when a higher one has written already. */
  epoch: number;
  instanceId: string;
  candles: readonly Candle[];
  /** When the batch copies closes from the Redis stream: the cursor it read after, and its new one. */
  cursor?: { expected: string | null; next: string };
  /** Asked just before COMMIT: false rolls the batch back (this pod no longer provably leads). */
  stillLeading(): boolean;
}

export type HistoryWriteResult =
  | { outcome: 'written'; inserted: number }
  /** A leader of a later epoch has written, or this pod's lease lapsed during the transaction. */
  | { outcome: 'fenced'; storedEpoch: number }
  /** Another writer moved the closes cursor since it was read: read it again. */
  | { outcome: 'cursor-moved'; cursor: string | null };

interface CandleRow {
  symbol: string;
  interval: string;
  open_time: string;
  close_time: string;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
  ticks: number;
}

const INSERT_CANDLES = `
  INSERT INTO history_candles
    (symbol, interval, open_time, close_time, open, high, low, close, volume, ticks, written_epoch)
  SELECT u.*, $11::bigint FROM unnest(
    $1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::numeric[],
    $6::numeric[], $7::numeric[], $8::numeric[], $9::numeric[], $10::integer[]
  ) AS u
  ON CONFLICT (symbol, interval, open_time) DO NOTHING`;

export class HistoryStore {
  constructor(private readonly pool: Pool) {}

  /**
   * Inserts the candles whose (symbol, interval, open time) is not stored yet (a replay or a
   * second leader never changes a stored row) and moves the closes cursor, in one transaction
   * that holds the writer row's lock.
   *
   * Fencing: the Redis lease decides who leads; this transaction makes a deposed leader's write
   * impossible to commit. It locks the writer row, refuses an epoch lower than the last one that
   * wrote (a newer leader has taken over), and asks `stillLeading()` (the lease proven on the
   * local monotonic clock, as the Redis writes do) after its inserts, just before COMMIT. Rows
   * carry the epoch that wrote them.
   */
  async write(write: HistoryWrite): Promise<HistoryWriteResult> {
    const client = await this.pool.connect();
    // A connection lost between two statements is reported as an event, not by a query: without a
    // listener it would end the process. The next query then fails, and the client is discarded.
    let lost: Error | undefined;
    const onError = (error: Error) => (lost = error);
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ epoch: string; closes_cursor: string | null }>(
        'SELECT epoch, closes_cursor FROM history_writer WHERE id = 1 FOR UPDATE',
      );
      const stored = rows[0];
      if (!stored) throw new Error('history_writer has no row: run the history migrations');
      const storedEpoch = Number(stored.epoch);
      if (storedEpoch > write.epoch) return await rollback(client, { outcome: 'fenced', storedEpoch });
      if (write.cursor && stored.closes_cursor !== write.cursor.expected)
        return await rollback(client, { outcome: 'cursor-moved', cursor: stored.closes_cursor });
      const inserted = await insertCandles(client, write.candles, write.epoch);
      await client.query(
        `UPDATE history_writer SET epoch = $1, instance_id = $2, updated_at = now(),
           closes_cursor = COALESCE($3, closes_cursor) WHERE id = 1`,
        [write.epoch, write.instanceId, write.cursor?.next ?? null],
      );
      if (!write.stillLeading()) return await rollback(client, { outcome: 'fenced', storedEpoch });
      await client.query('COMMIT');
      return { outcome: 'written', inserted };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      lost ??= error as Error;
      throw error;
    } finally {
      client.off('error', onError);
      client.release(lost);
    }
  }

  /** Where the last writer left the closes stream (undefined: from its oldest entry). */
  async closesCursor(): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ closes_cursor: string | null }>(
      'SELECT closes_cursor FROM history_writer WHERE id = 1',
    );
    return rows[0]?.closes_cursor ?? undefined;
  }

  /** Up to `limit` closed candles of a series with open times from `from` to `to` (inclusive), oldest first. */
  async range(series: CandleSeriesKey, from: number, to: number, limit: number): Promise<Candle[]> {
    const { rows } = await this.pool.query<CandleRow>(
      `SELECT symbol, interval, open_time, close_time, open, high, low, close, volume, ticks
         FROM history_candles
        WHERE symbol = $1 AND interval = $2 AND open_time BETWEEN $3 AND $4
        ORDER BY open_time LIMIT $5`,
      [series.symbol, series.interval, from, to, limit],
    );
    return rows.map((row) => ({
      symbol: row.symbol,
      interval: row.interval as CandleInterval,
      openTime: Number(row.open_time),
      closeTime: Number(row.close_time),
      open: row.open,
      high: row.high,
      low: row.low,
      close: row.close,
      volume: row.volume,
      ticks: row.ticks,
    }));
  }

  /** Deletes the candles of `interval` that opened before `before` (ms); resolves with how many. */
  async deleteOlderThan(interval: CandleInterval, before: number): Promise<number> {
    const result = await this.pool.query(
      'DELETE FROM history_candles WHERE interval = $1 AND open_time < $2',
      [interval, before],
    );
    return result.rowCount ?? 0;
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }
}

async function rollback<T>(client: PoolClient, result: T): Promise<T> {
  await client.query('ROLLBACK');
  return result;
}

async function insertCandles(client: PoolClient, candles: readonly Candle[], epoch: number): Promise<number> {
  if (candles.length === 0) return 0;
  const column = <T>(pick: (candle: Candle) => T) => candles.map(pick);
  const result = await client.query(INSERT_CANDLES, [
    column((c) => c.symbol),
    column((c) => c.interval),
    column((c) => c.openTime),
    column((c) => c.closeTime),
    column((c) => c.open),
    column((c) => c.high),
    column((c) => c.low),
    column((c) => c.close),
    column((c) => c.volume),
    column((c) => c.ticks),
    epoch,
  ]);
  return result.rowCount ?? 0;
}
