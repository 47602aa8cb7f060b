/**
 * The history database's SQL on a real PostgreSQL (a fresh database for this file): migrations
 * that run once however many pods start together, inserts that a replay never duplicates, the
 * writer fence, the closes cursor, and retention that deletes only what is old enough.
 */
import type { Candle, CandleInterval } from '@tickwire/core';
import { createLogger, createMetricsRegistry } from '@tickwire/observability';
import { createTestDatabase, type TestDatabase } from '@tickwire/testkit';
import { Pool } from 'pg';
import { createPodMetrics } from '../metrics';
import { HistoryDatabase } from './history-database';
import { HistoryRetentionJob } from './history-retention-job';
import { HistoryStore } from './history-store';
import { migrateHistory } from './migrate';
import { parseHistoryRetention, type HistoryRetention } from './retention';

jest.setTimeout(30_000);

const MINUTE = 60_000;
const DAY = 86_400_000;

function candle(openTime: number, close = '100.50', interval: CandleInterval = '1m'): Candle {
  const length = interval === '1m' ? MINUTE : 3_600_000;
  return {
    symbol: 'BINANCE:BTCUSDT',
    interval,
    openTime,
    closeTime: openTime + length - 1,
    open: '100.00000000',
    high: '101.10',
    low: '99.9',
    close,
    volume: '0.00012000',
    ticks: 7,
  };
}

const always = () => true;

describe('history database', () => {
  let database: TestDatabase;
  const pools: Pool[] = [];
  const pool = () => {
    const created = new Pool({ connectionString: database.url, max: 2 });
    pools.push(created);
    return created;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await Promise.all(pools.map((one) => one.end()));
    await database.drop();
  });

  it('applies each migration once when many pods migrate at the same time, and again nothing', async () => {
    const runs = await Promise.all([pool(), pool(), pool(), pool()].map((one) => migrateHistory(one)));
    expect(runs.flat()).toEqual([1]);
    expect(await migrateHistory(pool())).toEqual([]);
    const { rows } = await pool().query('SELECT version FROM history_migrations');
    expect(rows).toEqual([{ version: 1 }]);
  });

  it('stores a replayed batch once, keeping the first writer and the exact decimal text', async () => {
    const store = new HistoryStore(pool());
    const batch = [candle(0), candle(MINUTE), candle(2 * MINUTE)];
    const first = await store.write({ epoch: 3, instanceId: 'a', candles: batch, stillLeading: always });
    expect(first).toEqual({ outcome: 'written', inserted: 3 });
    const replay = await store.write({
      epoch: 4,
      instanceId: 'b',
      candles: [...batch.map((one) => ({ ...one, close: '1' })), candle(3 * MINUTE)],
      stillLeading: always,
    });
    expect(replay).toEqual({ outcome: 'written', inserted: 1 });
    const { rows } = await pool().query<{ n: string; epochs: string }>(
      "SELECT count(*) AS n, string_agg(written_epoch::text, ',' ORDER BY open_time) AS epochs FROM history_candles",
    );
    expect(rows[0]).toEqual({ n: '4', epochs: '3,3,3,4' });
    expect(await store.range({ symbol: 'BINANCE:BTCUSDT', interval: '1m' }, 0, 2 * MINUTE, 10)).toEqual(
      batch,
    );
  });

  it('refuses a lower epoch than the last writer and a writer whose lease lapsed, writing nothing', async () => {
    const store = new HistoryStore(pool());
    const deposed = await store.write({
      epoch: 2,
      instanceId: 'old',
      candles: [candle(10 * MINUTE)],
      stillLeading: always,
    });
    expect(deposed).toEqual({ outcome: 'fenced', storedEpoch: 4 });
    const lapsed = await store.write({
      epoch: 4,
      instanceId: 'b',
      candles: [candle(11 * MINUTE)],
      stillLeading: () => false,
    });
    expect(lapsed.outcome).toBe('fenced');
    const { rows } = await pool().query('SELECT open_time FROM history_candles WHERE open_time >= $1', [
      10 * MINUTE,
    ]);
    expect(rows).toEqual([]);
  });

  it('moves the closes cursor only from where the writer read it', async () => {
    const store = new HistoryStore(pool());
    const moved = await store.write({
      epoch: 5,
      instanceId: 'c',
      candles: [candle(20 * MINUTE)],
      cursor: { expected: null, next: '100-0' },
      stillLeading: always,
    });
    expect(moved).toEqual({ outcome: 'written', inserted: 1 });
    const stale = await store.write({
      epoch: 5,
      instanceId: 'd',
      candles: [candle(21 * MINUTE)],
      cursor: { expected: null, next: '90-0' },
      stillLeading: always,
    });
    expect(stale).toEqual({ outcome: 'cursor-moved', cursor: '100-0' });
    expect(await store.closesCursor()).toBe('100-0');
  });

  it('deletes by retention only the candles of each interval older than its age', async () => {
    const store = new HistoryStore(pool());
    await pool().query('DELETE FROM history_candles');
    const now = 1_000 * DAY;
    const kept = [candle(now - 10 * DAY), candle(now - 29 * DAY), candle(now - 40 * DAY, '1', '1h')];
    const old = [candle(now - 31 * DAY), candle(now - 40 * DAY)];
    await store.write({ epoch: 5, instanceId: 'c', candles: [...kept, ...old], stillLeading: always });
    const parsed = parseHistoryRetention('1m:30d');
    if (!('retention' in parsed)) throw new Error('retention did not parse');
    const retention: HistoryRetention = parsed.retention;
    const registry = createMetricsRegistry({ defaultMetrics: false });
    const metrics = createPodMetrics(registry).history;
    const logger = createLogger({ level: 'silent', service: 'test' });
    const holder = new HistoryDatabase({ url: database.url, logger });
    await holder.start();
    await holder.settled();
    const job = new HistoryRetentionJob({
      database: holder,
      retention,
      checkMs: 60_000,
      logger,
      metrics,
      now: () => now,
    });
    try {
      await job.runOnce();
    } finally {
      await job.stop();
      await holder.stop();
    }
    const { rows } = await pool().query<{ open_time: string; interval: string }>(
      'SELECT open_time, interval FROM history_candles ORDER BY open_time',
    );
    expect(rows.map((row) => [Number(row.open_time), row.interval])).toEqual(
      [...kept].sort((a, b) => a.openTime - b.openTime).map((one) => [one.openTime, one.interval]),
    );
    expect((await metrics.rowsDeleted.get()).values.find((v) => v.labels.interval === '1m')?.value).toBe(2);
  });
});
