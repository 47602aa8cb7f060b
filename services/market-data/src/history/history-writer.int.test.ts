/**
 * The leader's writer on a real PostgreSQL reached through a proxy the test cuts: while the
 * database is away closes wait in the closes stream and backfills in the bounded queue (the
 * overflow counted); once it is back every candle is in the database, once.
 */
import type { Candle } from '@tickwire/core';
import { MemoryEngine } from '@tickwire/cluster';
import { createLogger, createMetricsRegistry } from '@tickwire/observability';
import {
  createTestDatabase,
  startTcpProxy,
  testDatabaseServerUrl,
  waitFor,
  type TcpProxy,
  type TestDatabase,
} from '@tickwire/testkit';
import { Pool } from 'pg';
import { createPodMetrics } from '../metrics';
import { HistoryDatabase } from './history-database';
import { HistoryWriter } from './history-writer';

jest.setTimeout(30_000);

const MINUTE = 60_000;
const START = 1_700_000_040_000 - (1_700_000_040_000 % MINUTE);

function candle(index: number, symbol = 'BINANCE:BTCUSDT'): Candle {
  const openTime = START + index * MINUTE;
  return {
    symbol,
    interval: '1m',
    openTime,
    closeTime: openTime + MINUTE - 1,
    open: '1.0',
    high: '2.0',
    low: '0.5',
    close: `1.${index}`,
    volume: '3',
    ticks: 1,
  };
}

async function metricValue(metric: { get(): Promise<{ values: { value: number; labels: object }[] }> }) {
  return (await metric.get()).values.reduce((sum, one) => sum + one.value, 0);
}

describe('history writer', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let reader: Pool;

  beforeAll(async () => {
    database = await createTestDatabase();
    const server = new URL(testDatabaseServerUrl());
    proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
    reader = new Pool({ connectionString: database.url, max: 1 });
  });

  afterAll(async () => {
    await reader.end();
    await proxy.stop();
    await database.drop();
  });

  const rows = async () =>
    (
      await reader.query<{ symbol: string; open_time: string; close: string }>(
        'SELECT symbol, open_time, close FROM history_candles ORDER BY symbol, open_time',
      )
    ).rows.map((row) => `${row.symbol}@${(Number(row.open_time) - START) / MINUTE}=${row.close}`);

  it('loses nothing while the database is down and counts the backfills its full queue dropped', async () => {
    const logger = createLogger({ level: 'silent', service: 'test' });
    const metrics = createPodMetrics(createMetricsRegistry({ defaultMetrics: false })).history;
    const engine = new MemoryEngine({ instanceId: 'writer-test', candles: { retainedCandles: 100 } });
    await engine.election.start();
    await engine.candles.start();
    const url = new URL(database.url);
    url.host = `127.0.0.1:${proxy.port}`;
    const history = new HistoryDatabase({ url: url.toString(), logger, pingMs: 100 });
    const writer = new HistoryWriter({
      database: history,
      history: engine.candles,
      election: engine.election,
      symbols: async () => ['BINANCE:BTCUSDT', 'BINANCE:ETHUSDT'],
      flushMs: 50,
      batchRows: 4,
      queueMaxRows: 3,
      logger,
      metrics,
    });
    const close = (one: Candle) =>
      engine.candles.appendClosed({ symbol: one.symbol, interval: '1m', candles: [one], source: 'close' });
    try {
      await history.start();
      await writer.start();
      for (let i = 0; i < 5; i++) await close(candle(i));
      const expected = [0, 1, 2, 3, 4].map((i) => `BINANCE:BTCUSDT@${i}=1.${i}`);
      await waitFor(async () => (await rows()).join() === expected.join(), {
        timeoutMs: 10_000,
        what: 'the first closes in the database',
      });

      await proxy.cut();
      for (let i = 5; i < 11; i++) await close(candle(i));
      const backfilled = [0, 1, 2, 3, 4].map((i) => candle(i, 'BINANCE:ETHUSDT'));
      const stored = await engine.candles.appendClosed({
        symbol: 'BINANCE:ETHUSDT',
        interval: '1m',
        candles: backfilled,
        source: 'backfill',
      });
      writer.enqueue(stored);
      expect(await metricValue(metrics.dropped)).toBe(2);
      await waitFor(async () => (await metricValue(metrics.writeFailures)) >= 2, {
        timeoutMs: 10_000,
        what: 'writes to fail while the database is cut off',
      });
      await waitFor(() => history.state().reachable === false, {
        timeoutMs: 5_000,
        what: 'unreachable state',
      });

      await proxy.restore();
      const all = [
        ...[0, 1, 2, 3, 4].map((i) => `BINANCE:ETHUSDT@${i}=1.${i}`),
        ...Array.from({ length: 11 }, (_, i) => `BINANCE:BTCUSDT@${i}=1.${i}`),
      ].sort();
      await waitFor(async () => (await rows()).sort().join() === all.join(), {
        timeoutMs: 15_000,
        what: 'every close and backfill in the database once the database is back',
      });
      expect(history.state().reachable).toBe(true);
      // The reader can see the last commit before the writer, one proxy hop further, has read its
      // reply and counted the rows.
      await waitFor(async () => (await metricValue(metrics.rowsWritten)) >= 16, {
        timeoutMs: 5_000,
        what: 'the written rows counted',
      });
      expect(await metricValue(metrics.rowsWritten)).toBe(16);
    } finally {
      await writer.stop();
      await history.stop();
      await engine.candles.stop();
      await engine.election.stop();
    }
  });
});
