/**
 * An asset served from two venues, each its own protocol-faithful simulator: `BTC-USD` from
 * Coinbase first, then Binance. The primary stalls (the simulator's /_sim/stall): the asset
 * switches within the configured time, streams get a status event, and no candle mixes the
 * two sources; the primary returns: the asset goes back only once it has been healthy for
 * ASSET_SWITCH_BACK_MS. Run on the memory engine and on Redis with two pods (resume on the
 * other pod).
 */
import { randomUUID } from 'node:crypto';
import type { Candle } from '@tickwire/core';
import {
  openSse,
  startCoinbaseSim,
  startTestRedis,
  waitFor,
  watchEventLoopStalls,
  type CoinbaseSim,
  type EventLoopStalls,
  type SseConnection,
  type SseEvent,
  type TestRedis,
} from '@tickwire/testkit';
import { startPodHarness, type PodHarness } from '../testing/pod-harness';

jest.setTimeout(60_000);

/**
 * The simulators and the pods share this process: a stall of it holds back the primary's ticks
 * while the leader's clock runs on, so the stale time is well beyond such a stall (~1.5 s).
 */
const STALE_MS = 3_000;
const SWITCH_BACK_MS = 2_000;
/** How often the leader looks at the sources' health (asset-router.ts: a quarter of the stale time, <= 250 ms). */
const CHECK_MS = 250;
/** Room for a loaded machine: batching, distribution, the SSE flush. */
const SLACK_MS = 1_500;
const PRIMARY = 'COINBASE:BTC-USD';
const SECONDARY = 'BTCUSDT';

interface TickBody {
  symbol: string;
  exchange: string;
  origin?: string;
  last?: string;
}

const ticks = (events: readonly SseEvent[], origin?: string) =>
  events
    .filter((event) => event.event === 'tick')
    .map((event) => ({ event, body: JSON.parse(event.data) as TickBody }))
    .filter(({ body }) => body.symbol === 'BTC-USD' && (origin === undefined || body.origin === origin));

const statusSaying = (events: readonly SseEvent[], source: string) =>
  events.find(
    (event) =>
      event.event === 'status' &&
      (JSON.parse(event.data) as { assets?: Record<string, string> }).assets?.['BTC-USD'] === source,
  );

/** tickwire_asset_switches_total by the source taken. */
async function switchCounts(pod: PodHarness): Promise<[string | undefined, number][]> {
  return (await pod.metrics()).samples
    .filter((sample) => sample.name === 'tickwire_asset_switches_total')
    .map((sample): [string | undefined, number] => [sample.labels.source, sample.value])
    .sort();
}

async function post(url: string): Promise<void> {
  const response = await fetch(url, { method: 'POST' });
  if (!response.ok) throw new Error(`POST ${url}: ${response.status}`);
}

describe.each(['memory', 'redis'] as const)('an asset with ordered sources (%s engine)', (engine) => {
  let coinbase: CoinbaseSim | undefined;
  let redis: TestRedis | undefined;
  let leader: PodHarness | undefined;
  let follower: PodHarness | undefined;
  const streams: SseConnection[] = [];
  let stalls: EventLoopStalls | undefined;

  afterEach(async () => {
    stalls?.stop();
    stalls = undefined;
    for (const stream of streams.splice(0)) stream.close();
    await follower?.stop();
    await leader?.stop();
    await coinbase?.stop();
    await redis?.stop();
    leader = follower = redis = coinbase = undefined;
  });

  /** The simulators, Redis for the redis engine, a leader, and (redis) a follower. */
  async function startPods(): Promise<PodHarness> {
    coinbase = await startCoinbaseSim({ tradesPerSecond: 20, heartbeatIntervalMs: 200 });
    const env: Record<string, string> = {
      EXCHANGES: 'binance,coinbase',
      SYMBOLS: 'ETHUSDT',
      COINBASE_WS_URL: coinbase.wsUrl,
      COINBASE_REST_URL: coinbase.url,
      ASSETS: `BTC-USD=${PRIMARY}|${SECONDARY}`,
      ASSET_STALE_MS: String(STALE_MS),
      ASSET_SWITCH_BACK_MS: String(SWITCH_BACK_MS),
    };
    if (engine === 'redis') {
      redis = await startTestRedis();
      Object.assign(env, { REDIS_URL: redis.url, REDIS_NAMESPACE: `t${randomUUID().slice(0, 8)}` });
    }
    leader = await startPodHarness(env);
    const pod = leader;
    await waitFor(
      async () => ((await (await pod.get('/v1/status')).json()) as { role: string }).role === 'leader',
      {
        timeoutMs: 10_000,
        what: 'the first pod to lead',
      },
    );
    if (engine === 'redis') follower = await startPodHarness(env);
    return pod;
  }

  it('fails over when the primary stalls and returns to it once it has been healthy again', async () => {
    const pod = await startPods();

    const stream = await openSse(`${pod.url}/v1/stream?symbols=btc-usd`);
    streams.push(stream);
    expect(stream.status).toBe(200);
    await stream.waitForEvents((events) => ticks(events, PRIMARY).length >= 3, 10_000);
    await stream.waitForEvents((events) => statusSaying(events, PRIMARY) !== undefined, 5_000);
    // The price is served under the asset's name, with its venue and source.
    const price = (await (await pod.get('/v1/prices/BTC-USD')).json()) as TickBody;
    expect(price).toMatchObject({ symbol: 'BTC-USD', exchange: 'coinbase', origin: PRIMARY });
    const all = (await (await pod.get('/v1/prices')).json()) as { prices: TickBody[] };
    expect(all.prices.map((ticker) => ticker.symbol)).toEqual(['ETHUSDT', 'BTC-USD']);
    // Both venues connect at start-up; the asset waited for its primary instead of leaving it.
    expect(await switchCounts(pod)).toEqual([]);
    const beforeSwitch = ticks(stream.events, PRIMARY).at(-1)!.event;

    // The primary stalls: its connection stays open but sends nothing, heartbeats included.
    const stalledAt = Date.now();
    // The router and the stream run no more punctually than this process's loop.
    stalls = watchEventLoopStalls();
    await post(`${coinbase!.url}/_sim/stall?ms=0`);
    const [firstSecondary] = ticks(
      await stream.waitForEvents((events) => ticks(events, SECONDARY).length > 0, 10_000),
      SECONDARY,
    );
    const switchMs = firstSecondary!.event.receivedAt - stalledAt;
    expect(switchMs).toBeLessThan(STALE_MS + CHECK_MS + SLACK_MS + stalls.stalledMs());
    expect(firstSecondary!.body).toMatchObject({ exchange: 'binance', origin: SECONDARY });
    await stream.waitForEvents((events) => statusSaying(events, SECONDARY) !== undefined, 5_000);

    // No candle mixes two sources: the asset's open candle is Binance's candle of the same
    // minute (adopted at the switch), never Coinbase's ticks with Binance's appended.
    const candles = async (symbol: string) =>
      (
        (await (await pod.get(`/v1/candles/${encodeURIComponent(symbol)}?interval=1m`)).json()) as {
          candles: Candle[];
        }
      ).candles;
    const assetCandle = (await candles('BTC-USD')).at(-1)!;
    const sourceCandle = (await candles(SECONDARY)).find(
      (candle) => candle.openTime === assetCandle.openTime,
    )!;
    expect(assetCandle.open).toBe(sourceCandle.open);
    expect(await (await pod.get('/v1/candles/BTC-USD?interval=1m')).json()).toMatchObject({
      backfill: 'unavailable',
    });
    expect(assetCandle.origin).toBe(SECONDARY);
    expect(Number(sourceCandle.high)).toBeGreaterThanOrEqual(Number(assetCandle.high));
    expect(Number(sourceCandle.low)).toBeLessThanOrEqual(Number(assetCandle.low));
    expect(sourceCandle.ticks).toBeGreaterThanOrEqual(assetCandle.ticks);

    // The primary returns; the asset stays on Binance until Coinbase has been healthy for
    // ASSET_SWITCH_BACK_MS, then goes back.
    const resumedAt = Date.now();
    const heldUpBeforeResumeMs = stalls.stalledMs();
    await post(`${coinbase!.url}/_sim/resume`);
    const backAt = (
      await stream.waitForEvents(
        (events) =>
          ticks(
            events.filter((event) => event.receivedAt >= resumedAt),
            PRIMARY,
          ).length > 0,
        15_000,
      )
    ).find((event) => event.receivedAt >= resumedAt && ticks([event], PRIMARY).length > 0)!.receivedAt;
    expect(backAt - resumedAt).toBeGreaterThanOrEqual(SWITCH_BACK_MS - CHECK_MS);
    expect(backAt - resumedAt).toBeLessThan(
      SWITCH_BACK_MS + STALE_MS + SLACK_MS * 2 + stalls.stalledMs() - heldUpBeforeResumeMs,
    );
    // Binance kept serving it until then: no flapping, no gap.
    expect(
      ticks(
        stream.events.filter((event) => event.receivedAt >= resumedAt && event.receivedAt < backAt),
        SECONDARY,
      ).length,
    ).toBeGreaterThan(0);
    await stream.waitForEvents(
      (events) =>
        statusSaying(
          events.filter((event) => event.receivedAt >= resumedAt),
          PRIMARY,
        ) !== undefined,
      5_000,
    );
    expect(await switchCounts(pod)).toEqual([
      [SECONDARY, 1],
      [PRIMARY, 1],
    ]);

    // A client that drops before the switch resumes exactly (on the other pod with Redis) and
    // sees the same ticks, the switch included.
    const other = follower ?? pod;
    const resumed = await openSse(`${other.url}/v1/stream?symbols=BTC-USD`, {
      'Last-Event-ID': beforeSwitch.id!,
    });
    streams.push(resumed);
    await resumed.waitForEvents(
      (events) =>
        ticks(events, PRIMARY).some(
          ({ event }) => event.id === ticks(stream.events, PRIMARY).at(-1)!.event.id,
        ),
      10_000,
    );
    const seen = new Map(ticks(stream.events).map(({ event }) => [event.id, event.data]));
    const replayed = ticks(resumed.events).filter(({ event }) => seen.has(event.id));
    expect(replayed.map(({ body }) => body.origin)).toEqual(expect.arrayContaining([PRIMARY, SECONDARY]));
    for (const { event } of replayed) expect(event.data).toBe(seen.get(event.id));
  });

  (engine === 'redis' ? it : it.skip)(
    'a new leader keeps serving the asset from the source the last one chose',
    async () => {
      await startPods();
      const next = follower!;
      const stream = await openSse(`${next.url}/v1/stream?symbols=BTC-USD`);
      streams.push(stream);
      await stream.waitForEvents((events) => ticks(events, PRIMARY).length > 0, 10_000);
      await post(`${coinbase!.url}/_sim/stall?ms=0`);
      await stream.waitForEvents((events) => ticks(events, SECONDARY).length > 0, 10_000);

      // The leader leaves while the primary is still stalled; the follower takes over.
      await leader!.stop();
      leader = undefined;
      await waitFor(
        async () => ((await (await next.get('/v1/status')).json()) as { role: string }).role === 'leader',
        { timeoutMs: 10_000, what: 'the follower to lead' },
      );
      const tookOverAt = Date.now();
      // Past the new leader's start-up grace and a check: it served Binance all along, from the
      // origin in the latest table, instead of starting over on the stalled primary.
      await stream.waitForEvents(
        (events) =>
          ticks(
            events.filter((event) => event.receivedAt > tookOverAt + STALE_MS + CHECK_MS * 2),
            SECONDARY,
          ).length > 0,
        10_000,
      );
      expect(await switchCounts(next)).toEqual([]);
      const sinceTakeover = ticks(stream.events.filter((event) => event.receivedAt > tookOverAt));
      expect(sinceTakeover.every(({ body }) => body.origin === SECONDARY)).toBe(true);
    },
  );
});
