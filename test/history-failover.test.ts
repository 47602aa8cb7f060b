/**
 * Candle history in PostgreSQL across a real SIGKILL of the leader: what the killed leader
 * committed stays as it wrote it, what it stored in Redis but could not commit (its database
 * was cut off) the next leader writes, each candle once; and `/v1/candles?from=&to=` pages
 * back past the Redis window (CANDLE_HISTORY) from the database.
 */
import { Redis } from 'ioredis';
import { clusterKeys } from '@tickwire/cluster';
import {
  createTestDatabase,
  parsePrometheusText,
  sampleValue,
  startTcpProxy,
  testDatabaseServerUrl,
  waitFor,
  type PodProcess,
  type TcpProxy,
  type TestDatabase,
} from '@tickwire/testkit';
import { Pool } from 'pg';
import { startCluster, type ClusterFixture } from './support/cluster-fixture';

jest.setTimeout(55_000);

const SYMBOL = 'BTCUSDT';
const HISTORY = 10;

interface Candle {
  openTime: number;
  close: string;
}

async function get(
  pod: PodProcess,
  path: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${pod.url}${path}`, { signal: AbortSignal.timeout(3_000) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function closedInRedis(pod: PodProcess, interval: string): Promise<Candle[]> {
  const { body } = await get(pod, `/v1/candles/BTCUSDT?interval=${interval}`);
  return (body.candles as (Candle & { closeTime: number })[]).filter((c) => c.closeTime < Date.now());
}

describe('candle history in PostgreSQL across a leader failover', () => {
  let cluster: ClusterFixture | undefined;
  let database: TestDatabase | undefined;
  let proxy: TcpProxy | undefined;
  let pool: Pool | undefined;
  let redis: Redis | undefined;

  afterEach(async () => {
    redis?.disconnect();
    await cluster?.stop();
    await pool?.end();
    await proxy?.stop();
    await database?.drop();
  });

  it('writes every candle once across a SIGKILL and pages back past the Redis window', async () => {
    database = await createTestDatabase();
    const server = new URL(testDatabaseServerUrl());
    proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
    const proxied = new URL(database.url);
    proxied.host = `127.0.0.1:${proxy.port}`;
    pool = new Pool({ connectionString: database.url, max: 1 });
    const rows = async (interval: string) =>
      (
        await pool!.query<{ open_time: string; close: string; written_epoch: string }>(
          'SELECT open_time, close, written_epoch FROM history_candles WHERE symbol = $1 AND interval = $2 ORDER BY open_time',
          [SYMBOL, interval],
        )
      ).rows.map((row) => ({
        openTime: Number(row.open_time),
        close: row.close,
        epoch: Number(row.written_epoch),
      }));

    cluster = await startCluster({
      pods: 0,
      env: { CANDLE_HISTORY: String(HISTORY), HISTORY_FLUSH_MS: '100' },
    });
    // The first leader reaches the database through the proxy, so the test can take it away.
    const first = await cluster.addPod({ HISTORY_DATABASE_URL: proxied.toString() });
    await cluster.leader();
    const second = await cluster.addPod({ HISTORY_DATABASE_URL: database.url });
    const firstEpoch = (await cluster.status(first))!.epoch;

    // 1m: backfilled by the first leader and committed by it.
    await waitFor(
      async () => (await get(second, '/v1/candles/BTCUSDT?interval=1m')).body.backfill === 'complete',
      {
        timeoutMs: 15_000,
        what: 'the 1m backfill',
      },
    );
    const minutes = await closedInRedis(second, '1m');
    expect(minutes.length).toBeGreaterThanOrEqual(HISTORY - 2);
    // Each of them, not a count: the backfill alone can reach the count while the minute that just
    // closed is still on its way to the database (the next leader would write that one).
    await waitFor(
      async () => {
        const written = new Set((await rows('1m')).map((row) => row.openTime));
        return minutes.every((candle) => written.has(candle.openTime));
      },
      { timeoutMs: 10_000, what: 'the 1m candles in the database' },
    );
    expect((await rows('1m')).every((row) => row.epoch === firstEpoch)).toBe(true);

    // 5m: backfilled into Redis while the first leader cannot reach the database, then it dies.
    await proxy.cut();
    await waitFor(
      async () => (await get(second, '/v1/candles/BTCUSDT?interval=5m')).body.backfill === 'complete',
      {
        timeoutMs: 15_000,
        what: 'the 5m backfill',
      },
    );
    const fives = await closedInRedis(second, '5m');
    expect(fives.length).toBeGreaterThanOrEqual(HISTORY - 2);
    expect(await rows('5m')).toEqual([]);
    first.kill('SIGKILL');
    await first.exited(5_000);
    cluster.pods.splice(cluster.pods.indexOf(first), 1);
    await cluster.leader(15_000);
    const secondEpoch = (await cluster.status(second))!.epoch;
    expect(secondEpoch).toBeGreaterThan(firstEpoch);

    // The new leader copies what the killed one stored in Redis; it rewrites none of its rows.
    await waitFor(async () => (await rows('5m')).length >= fives.length, {
      timeoutMs: 15_000,
      what: 'the 5m candles the killed leader never committed',
    });
    const fiveRows = await rows('5m');
    for (const candle of fives)
      expect(fiveRows.find((row) => row.openTime === candle.openTime)).toEqual({
        openTime: candle.openTime,
        close: candle.close,
        epoch: secondEpoch,
      });
    const minuteRows = await rows('1m');
    for (const candle of minutes)
      expect(minuteRows.filter((row) => row.openTime === candle.openTime)).toEqual([
        { openTime: candle.openTime, close: candle.close, epoch: firstEpoch },
      ]);
    const { rows: duplicates } = await pool.query(
      'SELECT symbol, interval, open_time FROM history_candles GROUP BY 1, 2, 3 HAVING count(*) > 1',
    );
    expect(duplicates).toEqual([]);

    // The Redis window moves on (the leader trims it to CANDLE_HISTORY as newer candles arrive;
    // here the test drops the oldest at once instead of waiting minutes): the database still has them.
    redis = new Redis(cluster.redis!.url);
    await redis.zremrangebyrank(clusterKeys(cluster.namespace).candles(SYMBOL, '1m'), 0, -4);
    const window = await closedInRedis(second, '1m');
    // (A live close may land meanwhile; the oldest minutes are gone from Redis either way.)
    expect(window.filter((candle) => candle.openTime <= minutes[minutes.length - 4]!.openTime)).toEqual([]);
    const from = minutes[0]!.openTime;
    const to = minutes.at(-1)!.openTime;
    const paged: Candle[] = [];
    let next: number | null = from;
    let pages = 0;
    while (next !== null) {
      const { status, body } = await get(
        second,
        `/v1/candles/BTCUSDT?interval=1m&from=${next}&to=${to}&limit=4`,
      );
      expect(status).toBe(200);
      const page = body.candles as Candle[];
      expect(page.length).toBeLessThanOrEqual(4);
      paged.push(...page);
      next = body.next as number | null;
      pages += 1;
    }
    expect(pages).toBe(Math.ceil(minutes.length / 4));
    expect(paged.map(({ openTime, close }) => ({ openTime, close }))).toEqual(
      minutes.map(({ openTime, close }) => ({ openTime, close })),
    );

    // Bad ranges are refused, naming the parameter.
    const bad = async (query: string) => {
      const answer = await get(second, `/v1/candles/BTCUSDT?interval=1m&${query}`);
      expect(answer.status).toBe(400);
      return (answer.body.error as { message: string }).message;
    };
    expect(await bad(`from=${to}&to=${from - 1}`)).toContain('"from"');
    expect(await bad('from=yesterday')).toContain('"from"');
    expect(await bad(`from=${from}&limit=5000`)).toContain('"limit"');
    expect(await bad(`to=${to}`)).toContain('"from"');
    expect(await bad(`from=0&to=${to}`)).toContain('"to"');

    const health = await get(second, '/health');
    expect(
      (health.body.checks as Record<string, { status: string }[]>)['history:database']?.[0]?.status,
    ).toBe('pass');
    const metrics = parsePrometheusText(await (await fetch(`${second.url}/metrics`)).text());
    expect(sampleValue(metrics, 'tickwire_history_rows_written_total', {})).toBeGreaterThanOrEqual(
      fives.length,
    );

    // A pod without a history database says so.
    const plain = await cluster.addPod();
    const refused = await get(plain, `/v1/candles/BTCUSDT?interval=1m&from=${from}`);
    expect(refused.status).toBe(400);
    expect((refused.body.error as { code: string }).code).toBe('HISTORY_NOT_CONFIGURED');
  });
});
