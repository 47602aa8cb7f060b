/**
 * /v1/candles for Coinbase and Finnhub symbols on pods with the Redis engine, each exchange its
 * own simulator: Coinbase backfilled from its product candles (300 a request, 4h folded from
 * 1h), Finnhub's plan refusal told to clients, and a rate-limited backfill retried once the
 * exchange's hold is over, logged once.
 */
import { randomUUID } from 'node:crypto';
import { addDecimal, compareDecimal, maxDecimal, minDecimal, type Candle } from '@tickwire/core';
import {
  sampleValue,
  startCoinbaseSim,
  startFinnhubSim,
  startTestRedis,
  waitFor,
  waitUntilIntoMinute,
  type CoinbaseSim,
  type FinnhubSim,
  type TestRedis,
} from '@tickwire/testkit';
import { startPodHarness, type PodHarness } from '../testing/pod-harness';

jest.setTimeout(60_000);

const HOUR_MS = 3_600_000;

interface CandlesBody {
  symbol: string;
  interval: string;
  backfill: string;
  backfillReason?: { code: string; message: string };
  candles: Candle[];
}

describe('candle backfill from Coinbase and Finnhub', () => {
  let redis: TestRedis;
  const pods: PodHarness[] = [];
  let coinbase: CoinbaseSim | undefined;
  let finnhub: FinnhubSim | undefined;

  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });
  afterEach(async () => {
    for (const pod of pods.splice(0)) await pod.stop();
    await coinbase?.stop();
    await finnhub?.stop();
    coinbase = undefined;
    finnhub = undefined;
  });

  async function startPod(env: Record<string, string>): Promise<PodHarness> {
    const pod = await startPodHarness({ REDIS_URL: redis.url, ...env });
    pods.push(pod);
    return pod;
  }

  async function coinbasePod(env: Record<string, string> = {}): Promise<PodHarness> {
    coinbase = await startCoinbaseSim({ tradesPerSecond: 10, heartbeatIntervalMs: 200 });
    return startPod({
      REDIS_NAMESPACE: `t${randomUUID().slice(0, 8)}`,
      EXCHANGES: 'binance,coinbase',
      SYMBOLS: 'BTCUSDT,COINBASE:BTC-USD',
      COINBASE_WS_URL: coinbase.wsUrl,
      COINBASE_REST_URL: coinbase.url,
      ...env,
    });
  }

  async function candles(pod: PodHarness, path: string): Promise<CandlesBody> {
    const res = await pod.get(path);
    expect(res.status).toBe(200);
    return (await res.json()) as CandlesBody;
  }

  async function complete(pod: PodHarness, path: string): Promise<CandlesBody> {
    let body: CandlesBody | undefined;
    await waitFor(async () => (body = await candles(pod, path)).backfill === 'complete', {
      timeoutMs: 15_000,
      what: `${path} to be complete`,
    });
    return body!;
  }

  const backfillRequests = async (pod: PodHarness, venue: string, outcome?: string) =>
    sampleValue(await pod.metrics(), 'tickwire_rest_requests_total', {
      venue,
      caller: 'candle-backfill',
      ...(outcome === undefined ? {} : { outcome }),
    });

  it('backfills Coinbase series from its product candles, 300 a request, 4h folded from 1h, once', async () => {
    // The last checks expect the 1m window unchanged: a minute closing mid-test would widen it
    // (and rightly be fetched). So does the minute before the pod started, when the first
    // request comes within the close grace (2 s) of its end: the pod never saw that minute
    // live, so once the grace passes it is missing and fetched. Start between 5 s and 40 s
    // into a minute.
    await waitUntilIntoMinute(5_000, 40_000);
    const pod = await coinbasePod({ CANDLE_HISTORY: '320' });
    // Several clients at once: one backfill per series.
    const first = await Promise.all(
      [1, 2, 3].map(() => candles(pod, '/v1/candles/COINBASE:BTC-USD?interval=1m')),
    );
    for (const body of first) expect(body.backfill).toBe('pending');
    const minutes = await complete(pod, '/v1/candles/COINBASE:BTC-USD?interval=1m');
    const closed = minutes.candles.filter((candle) => candle.closeTime < Date.now() - 5_000);
    expect(closed.length).toBeGreaterThanOrEqual(310);
    const openTimes = minutes.candles.map((candle) => candle.openTime);
    expect(openTimes).toEqual([...new Set(openTimes)].sort((a, b) => a - b));
    // Exactly the exchange's numbers, oldest first: compare with its own newest-first rows.
    const sample = closed.at(-10)!;
    const rows = (await (
      await fetch(
        `${coinbase!.url}/products/BTC-USD/candles?granularity=60&start=${sample.openTime / 1_000}&end=${sample.openTime / 1_000}`,
      )
    ).json()) as number[][];
    const row = rows.find((one) => one[0] === sample.openTime / 1_000)!;
    expect([sample.low, sample.high, sample.open, sample.close, sample.volume].map(Number)).toEqual(
      row.slice(1),
    );
    expect(sample).toMatchObject({ closeTime: sample.openTime + 59_999, ticks: 0 });
    expect(await backfillRequests(pod, 'coinbase', 'ok')).toBe(2); // 320 minutes: 300, then 20

    const fourHours = await complete(pod, '/v1/candles/COINBASE:BTC-USD?interval=4h');
    // 320 x 4h in pages of 75 (300 hours each): five requests, however little the window holds,
    // sent within the pod's share of Coinbase's 10 a second (a spent share waits, nothing is refused).
    expect(await backfillRequests(pod, 'coinbase', 'ok')).toBe(7);
    const whole = fourHours.candles.filter(
      (candle) => candle.closeTime < Date.now() - 5_000 && candle.openTime >= Date.now() - 20 * HOUR_MS,
    );
    expect(whole.length).toBeGreaterThanOrEqual(3);
    const folded = whole[0]!;
    expect(folded.closeTime - folded.openTime).toBe(4 * HOUR_MS - 1);
    expect(folded.openTime % (4 * HOUR_MS)).toBe(0);
    const hourRows = await (
      await fetch(
        `${coinbase!.url}/products/BTC-USD/candles?granularity=3600&start=${folded.openTime / 1_000}&end=${(folded.openTime + 3 * HOUR_MS) / 1_000}`,
      )
    ).text();
    // The exact text of each number, as the pod keeps it.
    const hours = [...hourRows.matchAll(/\[(\d+),([\d.]+),([\d.]+),([\d.]+),([\d.]+),([\d.]+)\]/g)].map(
      ([, , low, high, open, close, volume]) =>
        ({ low, high, open, close, volume }) as Record<string, string>,
    );
    expect(hours).toHaveLength(4);
    expect(folded).toMatchObject({
      open: hours[3]!.open,
      close: hours[0]!.close,
      high: hours.map((hour) => hour.high!).reduce(maxDecimal),
      low: hours.map((hour) => hour.low!).reduce(minDecimal),
    });
    expect(compareDecimal(folded.volume, hours.map((hour) => hour.volume!).reduce(addDecimal))).toBe(0);

    // Asked again: whole at once, so nothing is asked of the leader, nor fetched twice; and
    // never over the exchange's limit.
    expect((await candles(pod, '/v1/candles/COINBASE:BTC-USD?interval=1m')).backfill).toBe('complete');
    expect((await candles(pod, '/v1/candles/COINBASE:BTC-USD?interval=4h')).backfill).toBe('complete');
    expect(await backfillRequests(pod, 'coinbase', 'ok')).toBe(7);
    expect(coinbase!.stats().rest429).toBe(0);
  });

  it('waits out a 429 as long as its Retry-After asks, then backfills, logging the refusal once', async () => {
    const pod = await coinbasePod({ CANDLE_HISTORY: '120' });
    await waitFor(async () => (await pod.get('/v1/prices/COINBASE:BTC-USD')).status === 200, {
      timeoutMs: 5_000,
      what: 'a Coinbase price',
    });
    coinbase!.faults.restFault({ status: 429, count: 1, retryAfterSec: 2 });
    expect((await candles(pod, '/v1/candles/COINBASE:BTC-USD?interval=1m')).backfill).toBe('pending');
    await complete(pod, '/v1/candles/COINBASE:BTC-USD?interval=1m');
    expect(await backfillRequests(pod, 'coinbase', 'rate-limited')).toBe(1);
    // Not tried again while the exchange held requests back: no call even reached the client's hold.
    expect(await backfillRequests(pod, 'coinbase', 'held')).toBe(0);
    expect(await backfillRequests(pod, 'coinbase', 'ok')).toBe(1);
    const failed = pod.logs.filter((line) => line.msg === 'candle backfill failed; retrying later');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ exchange: 'coinbase', symbol: 'COINBASE:BTC-USD', interval: '1m' });
    const fetched = pod.logs.find((line) => line.msg === 'backfilled candles')!;
    const waited = Date.parse(fetched.time as string) - Date.parse(failed[0]!.time as string);
    expect(waited).toBeGreaterThanOrEqual(1_900);
    expect(pod.logs.find((line) => line.msg === 'candle backfill recovered')).toMatchObject({ failures: 1 });
  });

  async function finnhubPods(candleAccess: 'refused' | 'served'): Promise<[PodHarness, PodHarness]> {
    finnhub = await startFinnhubSim({
      tradesPerSecond: 10,
      batchIntervalMs: 100,
      apiKeys: ['test-key'],
      candles: candleAccess,
    });
    const env = {
      REDIS_NAMESPACE: `t${randomUUID().slice(0, 8)}`,
      EXCHANGES: 'binance,finnhub',
      SYMBOLS: 'BTCUSDT,FINNHUB:AAPL',
      FINNHUB_WS_URL: finnhub.wsUrl,
      FINNHUB_REST_URL: finnhub.url,
      FINNHUB_API_KEY: 'test-key',
      CANDLE_HISTORY: '100',
    };
    const leader = await startPod(env);
    await waitFor(
      async () => ((await (await leader.get('/v1/status')).json()) as { role: string }).role === 'leader',
      {
        timeoutMs: 5_000,
        what: 'the first pod to lead',
      },
    );
    return [leader, await startPod(env)];
  }

  it('says why a Finnhub plan without candles has no history, on every pod, after one refused request per series', async () => {
    const [leader, follower] = await finnhubPods('refused');
    const path = '/v1/candles/FINNHUB:AAPL?interval=1h';
    expect((await candles(follower, path)).backfill).toBe('pending');
    let body: CandlesBody | undefined;
    await waitFor(async () => (body = await candles(follower, path)).backfill === 'unavailable', {
      timeoutMs: 10_000,
      what: 'the refusal to reach the follower',
    });
    expect(body!.backfillReason).toEqual({
      code: 'BACKFILL_NOT_ENTITLED',
      message: expect.stringContaining("You don't have access to this resource."),
    });
    expect((await candles(leader, path)).backfillReason?.code).toBe('BACKFILL_NOT_ENTITLED');
    expect(await backfillRequests(leader, 'finnhub', 'http-error')).toBe(1);
    // Another series asks once too; meanwhile the leader polled again and left the refused one alone.
    await waitFor(
      async () => (await candles(leader, '/v1/candles/FINNHUB:AAPL?interval=1m')).backfill === 'unavailable',
      { timeoutMs: 10_000, what: 'the 1m refusal' },
    );
    expect(await backfillRequests(leader, 'finnhub')).toBe(2);
    expect(leader.logs.filter((line) => line.msg === 'candle backfill failed; retrying later')).toEqual([]);
  });

  it('backfills a Finnhub series where the plan has candles', async () => {
    const [leader, follower] = await finnhubPods('served');
    const body = await complete(follower, '/v1/candles/FINNHUB:AAPL?interval=1m');
    expect(body.backfillReason).toBeUndefined();
    const closed = body.candles.filter((candle) => candle.closeTime < Date.now() - 5_000);
    expect(closed.length).toBeGreaterThanOrEqual(95);
    expect(closed[0]!.open).toMatch(/^\d+(\.\d+)?$/);
    expect(await backfillRequests(leader, 'finnhub', 'ok')).toBe(1);
  });
});
