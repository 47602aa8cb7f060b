import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Ticker } from '@tickwire/core';
import {
  startTestRedis,
  startTestRedisCluster,
  startTestRedisSentinel,
  waitFor,
  type TestRedis,
} from '@tickwire/testkit';
import { engineContract } from '../engine.contract';
import type { LeadershipState } from '../engine';
import { isNotLeaderError } from './errors';
import { clusterKeys } from './keys';
import {
  connectRedis,
  createRedisClient,
  disconnectRedis,
  type RedisConnectionOptions,
} from './redis-client';
import { RedisEngine, type RedisEngineOptions } from './redis-engine';
import type { ElectionTimings } from './redis-election';

/**
 * The engines run in this process: a stall past the renew deadline makes a leader step down (and
 * a lease of 1 s passes to another pod). This deadline is far above any stall.
 */
const STEADY: ElectionTimings = { leaseMs: 10_000, renewMs: 500, renewDeadlineMs: 4_000, retryMs: 100 };
/**
 * Room over the renew deadline for a step-down measured in this process (stalls included). The
 * sum stays below the lease: a step-down within it still comes before another pod could lead.
 */
const STEP_DOWN_MARGIN_MS = 2_000;

const ticker = (symbol: string, last: string): Ticker => ({
  exchange: 'binance',
  symbol,
  last,
  eventTime: Date.now(),
  receiveTime: Date.now(),
  source: 'ws',
});

const freshNamespace = () => `t${randomUUID().slice(0, 8)}`;

interface RedisUnderTest {
  connection: RedisConnectionOptions;
  stop(): Promise<void>;
}

const STANDALONE = async (): Promise<RedisUnderTest> => {
  const redis = await startTestRedis();
  return { connection: { mode: 'standalone', url: redis.url }, stop: () => redis.stop() };
};

const CLUSTER = async (): Promise<RedisUnderTest> => {
  const cluster = await startTestRedisCluster({ masters: 3 });
  return { connection: { mode: 'cluster', nodes: cluster.nodes }, stop: () => cluster.stop() };
};

const SENTINEL = async (): Promise<RedisUnderTest> => {
  const sentinel = await startTestRedisSentinel({ sentinels: 2 });
  return {
    connection: { mode: 'sentinel', sentinels: sentinel.sentinels, masterName: sentinel.masterName },
    stop: () => sentinel.stop(),
  };
};

describe.each([
  ['a standalone Redis', STANDALONE],
  ['a 3-master Redis Cluster', CLUSTER],
  ['a Redis behind Sentinel', SENTINEL],
])('Redis engine on %s', (_name, startRedis) => {
  let redis: RedisUnderTest;
  const engines: RedisEngine[] = [];

  beforeAll(async () => {
    redis = await startRedis();
  }, 30_000);

  afterAll(async () => {
    await redis.stop();
  });

  async function adminClient() {
    const client = createRedisClient(redis.connection, {
      instanceId: 'admin',
      purpose: 'commands',
      commandTimeoutMs: 5_000,
    });
    await connectRedis(client);
    return client;
  }

  async function startEngine(instanceId: string, options: Partial<RedisEngineOptions> = {}) {
    const engine = await RedisEngine.create({
      instanceId,
      connection: redis.connection,
      timings: STEADY,
      ...options,
    });
    engines.push(engine);
    await engine.distribution.start();
    await engine.candles.start();
    await engine.election.start();
    await engine.interest.start();
    return engine;
  }

  async function stopAll() {
    for (const engine of engines.splice(0)) {
      await engine.interest.stop();
      await engine.election.stop();
      await engine.candles.stop();
      await engine.distribution.stop();
      await engine.close();
    }
  }

  describe('contract', () => {
    engineContract({
      create: (instanceId) =>
        RedisEngine.create({
          instanceId,
          connection: redis.connection,
          namespace: freshNamespace(),
          timings: STEADY,
        }),
    });
  });

  describe('election', () => {
    afterEach(stopAll);

    it('elects exactly one of three pods, and the others know who leads with which epoch', async () => {
      const namespace = freshNamespace();
      const pods = await Promise.all(['a', 'b', 'c'].map((id) => startEngine(id, { namespace })));
      await waitFor(() => pods.every((p) => p.election.state().leaderId !== undefined), {
        timeoutMs: 3_000,
        what: 'every pod to know the leader',
      });
      const states = pods.map((p) => p.election.state());
      expect(states.filter((s) => s.role === 'leader')).toHaveLength(1);
      const leader = states.find((s) => s.role === 'leader')!;
      for (const state of states)
        expect(state).toMatchObject({ leaderId: leader.instanceId, epoch: leader.epoch });
    });

    it('hands over at once when the leader releases, without waiting for the retry period', async () => {
      const namespace = freshNamespace();
      const slow = { ...STEADY, retryMs: 30_000 };
      const first = await startEngine('first', { namespace, timings: slow });
      const second = await startEngine('second', { namespace, timings: slow });
      expect(first.election.state().role).toBe('leader');
      expect(second.election.state().role).toBe('follower');
      const released = performance.now();
      await first.election.stop();
      await waitFor(() => second.election.state().role === 'leader', { timeoutMs: 5_000, what: 'handover' });
      const handoverMs = performance.now() - released;
      // Far below the 30 s retry, with room for a stall of this process.
      expect(handoverMs).toBeLessThan(5_000);
      expect(second.election.state().epoch).toBe(first.election.state().epoch + 1);
    });

    it('refuses a write from a leader whose lease was taken, and leaves the hash and stream untouched', async () => {
      const namespace = freshNamespace();
      const keys = clusterKeys(namespace);
      const engine = await startEngine('old', {
        namespace,
        timings: { ...STEADY, leaseMs: 60_000, renewMs: 30_000, renewDeadlineMs: 45_000 },
      });
      await engine.distribution.publish([ticker('BTCUSDT', '1')]);
      const admin = await adminClient();
      try {
        await admin.set(keys.leader, 'intruder:999');
        const error = await engine.distribution.publish([ticker('BTCUSDT', '2')]).catch((e: unknown) => e);
        expect(isNotLeaderError(error)).toBe(true);
        expect(await admin.xlen(keys.ticks)).toBe(1);
        expect(JSON.parse((await admin.hget(keys.prices, 'BTCUSDT'))!)).toMatchObject({ last: '1' });
      } finally {
        disconnectRedis(admin);
      }
    });

    it('refuses a candle append from a leader whose lease was taken, and leaves the series untouched', async () => {
      const namespace = freshNamespace();
      const keys = clusterKeys(namespace);
      const engine = await startEngine('old', {
        namespace,
        timings: { ...STEADY, leaseMs: 60_000, renewMs: 30_000, renewDeadlineMs: 45_000 },
      });
      const candle = (openTime: number) => ({
        symbol: 'BTCUSDT',
        interval: '1m' as const,
        openTime,
        closeTime: openTime + 59_999,
        open: '1.0',
        high: '1.0',
        low: '1.0',
        close: '1.0',
        volume: '0',
        ticks: 1,
      });
      await engine.candles.appendClosed({
        symbol: 'BTCUSDT',
        interval: '1m',
        candles: [candle(0)],
        source: 'close',
      });
      const admin = await adminClient();
      try {
        // A newer leader of a later epoch holds the key: the same check as the batch write's.
        await admin.set(keys.leader, 'intruder:999');
        const error = await engine.candles
          .appendClosed({ symbol: 'BTCUSDT', interval: '1m', candles: [candle(60_000)], source: 'close' })
          .catch((e: unknown) => e);
        expect(isNotLeaderError(error)).toBe(true);
        expect(await admin.zcard(keys.candles('BTCUSDT', '1m'))).toBe(1);
        expect(await admin.xlen(keys.candleCloses)).toBe(1);
      } finally {
        disconnectRedis(admin);
      }
    });

    it('steps down at once, synchronously, when its clock says the renew deadline has passed', async () => {
      let skewMs = 0;
      const engine = await startEngine('frozen', {
        namespace: freshNamespace(),
        clock: () => performance.now() + skewMs,
      });
      expect(engine.election.confirmLeadership()).toBe(true);
      const seen: LeadershipState[] = [];
      engine.election.onChange((state) => seen.push(state));
      skewMs = 10_000; // as if the process had been frozen for 10 s
      expect(engine.election.confirmLeadership()).toBe(false);
      expect(seen.at(-1)?.role).toBe('follower');
      await expect(engine.distribution.publish([ticker('BTCUSDT', '1')])).rejects.toThrow(/no longer holds/);
    });

    it('lets followers read the leader report written with each renew', async () => {
      const namespace = freshNamespace();
      const leader = await startEngine('reporter', { namespace });
      leader.election.setReporter(() => JSON.stringify({ connection: 'open' }));
      const follower = await startEngine('reader', { namespace });
      await waitFor(() => follower.election.state().leaderReport !== undefined, {
        timeoutMs: 5_000,
        what: 'the report to reach the follower',
      });
      expect(JSON.parse(follower.election.state().leaderReport!)).toEqual({ connection: 'open' });
    });
  });

  describe('distribution across pods', () => {
    afterEach(stopAll);

    it('delivers the leader batches to a follower, whose replay from any id matches the stream', async () => {
      const namespace = freshNamespace();
      const leader = await startEngine('leader', { namespace });
      const follower = await startEngine('follower', { namespace });
      const received: string[] = [];
      follower.distribution.onBatch((batch) => received.push(batch.id));
      const ids: string[] = [];
      for (let i = 0; i < 20; i++)
        ids.push(await leader.distribution.publish([ticker('ETHUSDT', String(i))]));
      await waitFor(() => received.length === 20, { timeoutMs: 5_000, what: '20 batches on the follower' });
      expect(received).toEqual(ids);
      const replay = await follower.distribution.replaySince(ids[4]!);
      expect(replay.recovered && replay.batches.map((b) => b.id)).toEqual(ids.slice(5));
      expect((await follower.distribution.snapshot()).tickers.map((t) => t.last)).toEqual(['19']);
    });

    it('cannot recover ids the stream trimmed away', async () => {
      const namespace = freshNamespace();
      const leader = await startEngine('leader', { namespace, retainedBatches: 10 });
      const first = await leader.distribution.publish([ticker('X', '0')]);
      // Approximate trimming removes whole radix-tree nodes (100 entries by default).
      for (let i = 1; i < 300; i++) await leader.distribution.publish([ticker('X', String(i))]);
      expect(await leader.distribution.replaySince(first)).toEqual({ recovered: false });
    });
  });

  describe('interest across pods', () => {
    afterEach(stopAll);

    it('lets every pod hear about and list what one pod touched, and counts its lease for the others', async () => {
      const namespace = freshNamespace();
      const [a, b] = await Promise.all([startEngine('a', { namespace }), startEngine('b', { namespace })]);
      const heardByA: string[][] = [];
      const heardByB: string[][] = [];
      a.interest.onAdded((symbols) => heardByA.push(symbols));
      b.interest.onAdded((symbols) => heardByB.push(symbols));
      expect(await a.interest.touch(['FINNHUB:IC MARKETS:1', 'BTCUSDT'], 60_000)).toEqual([
        'FINNHUB:IC MARKETS:1',
        'BTCUSDT',
      ]);
      await waitFor(() => heardByA.length > 0 && heardByB.length > 0, {
        timeoutMs: 5_000,
        what: 'both pods to hear of the new symbols',
      });
      expect(heardByB).toEqual([['FINNHUB:IC MARKETS:1', 'BTCUSDT']]);
      expect(heardByA).toEqual(heardByB);
      expect(await b.interest.wanted()).toEqual(['BTCUSDT', 'FINNHUB:IC MARKETS:1']);
      expect(await b.interest.touch(['BTCUSDT', 'ETHUSDT'], 60_000)).toEqual(['ETHUSDT']);
      await waitFor(() => heardByA.length === 2, { timeoutMs: 5_000, what: 'a second event on pod a' });
      expect(heardByA[1]).toEqual(['ETHUSDT']);
    });

    it("expires interest on Redis's clock, even when the touching pod's clock is hours off", async () => {
      const namespace = freshNamespace();
      const keys = clusterKeys(namespace);
      const [skewed, other] = await Promise.all([
        startEngine('skewed', { namespace }),
        startEngine('other', { namespace }),
      ]);
      const admin = await adminClient();
      // Longer than any stall between the touch and the read of Redis's clock below.
      const ttlMs = 3_000;
      const realNow = Date.now.bind(Date);
      const skew = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 3 * 3_600_000);
      try {
        expect(await skewed.interest.touch(['BTCUSDT'], ttlMs)).toEqual(['BTCUSDT']);
        skew.mockRestore();
        const [seconds, micros] = (await admin.time()) as unknown[];
        const redisNowMs = Number(seconds) * 1_000 + Number(micros) / 1_000;
        const expiry = Number(await admin.zscore(keys.wanted, 'BTCUSDT'));
        expect(expiry - redisNowMs).toBeGreaterThan(0);
        expect(expiry - redisNowMs).toBeLessThanOrEqual(ttlMs);
        // Gone within the TTL on Redis's clock; the skewed pod's clock would keep it for 3 h.
        await waitFor(async () => (await other.interest.wanted()).length === 0, {
          timeoutMs: ttlMs + 5_000,
          what: `the ${ttlMs} ms interest to expire`,
        });
        expect(await other.interest.touch(['BTCUSDT'], 60_000)).toEqual(['BTCUSDT']);
      } finally {
        skew.mockRestore();
        disconnectRedis(admin);
      }
    });

    it('shares the subscriber with the election: stopping one leaves the other its events', async () => {
      const namespace = freshNamespace();
      const slow = { ...STEADY, retryMs: 30_000 };
      const first = await startEngine('first', { namespace, timings: slow });
      const second = await startEngine('second', { namespace, timings: slow });
      expect(first.election.state().role).toBe('leader');
      // Without interest events, the second pod still hears the release (not its 30 s retry).
      await second.interest.stop();
      await first.election.stop();
      // Far below the 30 s retry.
      await waitFor(() => second.election.state().role === 'leader', { timeoutMs: 5_000, what: 'handover' });
      // Without leader events, the first pod still hears of new symbols.
      const heard: string[][] = [];
      first.interest.onAdded((symbols) => heard.push(symbols));
      await second.interest.touch(['ETHUSDT'], 60_000);
      await waitFor(() => heard.length > 0, { timeoutMs: 5_000, what: 'the interest event' });
      expect(heard).toEqual([['ETHUSDT']]);
    });
  });
});

describe('Redis engine through a Redis outage (own redis-server process)', () => {
  let redis: TestRedis;
  const engines: RedisEngine[] = [];

  beforeAll(async () => {
    redis = await startTestRedis({ forceBinary: true });
  });

  afterAll(async () => {
    for (const engine of engines) {
      await engine.election.stop();
      await engine.distribution.stop();
      await engine.close();
    }
    await redis.stop();
  });

  it('steps down even when its deadline timer fires early (a busy event loop), while Redis is away', async () => {
    let skewMs = 0;
    const engine = await RedisEngine.create({
      instanceId: 'early-timer',
      connection: { mode: 'standalone', url: redis.url },
      namespace: freshNamespace(),
      timings: STEADY,
      clock: () => performance.now() + skewMs,
    });
    try {
      await engine.distribution.start();
      await engine.election.start();
      expect(engine.election.state().role).toBe('leader');
      // From here on the local clock reads 100 ms behind when the timers were armed: every
      // deadline timer fires "early" as seen by the lease arithmetic.
      skewMs = -100;
      const killedAt = performance.now();
      await redis.kill!();
      await waitFor(() => engine.election.state().role === 'follower', {
        timeoutMs: STEADY.leaseMs,
        what: 'step-down',
      });
      expect(performance.now() - killedAt).toBeLessThan(STEADY.renewDeadlineMs + STEP_DOWN_MARGIN_MS);
    } finally {
      await engine.election.stop();
      await engine.distribution.stop();
      await engine.close();
      await redis.restart!();
    }
  });

  it('rejects touch and wanted promptly while Redis is down, and hears interest events again after it returns', async () => {
    const engine = await RedisEngine.create({
      instanceId: 'interest-outage',
      connection: { mode: 'standalone', url: redis.url },
      namespace: freshNamespace(),
      // No stall reaches it, so the commands before the outage cannot time out.
      commandTimeoutMs: 5_000,
    });
    const heard: string[][] = [];
    let down = false;
    try {
      await engine.interest.start();
      engine.interest.onAdded((symbols) => heard.push(symbols));
      expect(await engine.interest.touch(['BEFORE'], 60_000)).toEqual(['BEFORE']);
      await redis.kill!();
      down = true;
      // Well within the command timeout (room for a stall): there is no offline queue to wait in.
      for (const call of [() => engine.interest.touch(['DURING'], 60_000), () => engine.interest.wanted()]) {
        const calledAt = performance.now();
        await expect(call()).rejects.toThrow();
        expect(performance.now() - calledAt).toBeLessThan(3_000);
      }
      await redis.restart!();
      down = false;
      // ioredis subscribes the channel again once the subscriber is back; until then an event is
      // lost, so touch a new symbol each time until one is heard.
      let attempt = 0;
      await waitFor(
        async () => {
          await engine.interest.touch([`AFTER${attempt++}`], 60_000);
          return heard.some((symbols) => symbols[0]?.startsWith('AFTER'));
        },
        { timeoutMs: 5_000, intervalMs: 100, what: 'an interest event after the restart' },
      );
    } finally {
      await engine.interest.stop();
      await engine.close();
      if (down) await redis.restart!();
    }
  });

  it('steps the leader down within the renew deadline, and recovers with a higher epoch after a restart', async () => {
    const namespace = freshNamespace();
    for (const id of ['one', 'two']) {
      const engine = await RedisEngine.create({
        instanceId: id,
        connection: { mode: 'standalone', url: redis.url },
        namespace,
        timings: STEADY,
      });
      engines.push(engine);
      await engine.distribution.start();
      await engine.election.start();
    }
    const [one, two] = engines as [RedisEngine, RedisEngine];
    await one.distribution.publish([ticker('BTCUSDT', '1')]);
    await waitFor(() => two.distribution.snapshot().then((s) => s.tickers.length === 1), {
      timeoutMs: 5_000,
      what: 'follower table',
    });
    const epochBefore = one.election.state().epoch;

    const killedAt = performance.now();
    await redis.kill!();
    await waitFor(() => one.election.state().role === 'follower', {
      timeoutMs: STEADY.leaseMs,
      what: 'step-down',
    });
    const stepDownMs = performance.now() - killedAt;
    expect(stepDownMs).toBeLessThanOrEqual(STEADY.renewDeadlineMs + STEP_DOWN_MARGIN_MS);
    await waitFor(() => !two.distribution.connection().connected, {
      timeoutMs: 5_000,
      what: 'follower to notice',
    });
    // Both keep the table they had.
    expect((await two.distribution.snapshot()).tickers.map((t) => t.last)).toEqual(['1']);

    await redis.restart!();
    await waitFor(() => engines.some((e) => e.election.state().role === 'leader'), {
      timeoutMs: 5_000,
      what: 'a leader after the restart',
    });
    const leader = engines.find((e) => e.election.state().role === 'leader')!;
    expect(leader.election.state().epoch).toBeGreaterThan(epochBefore);
    await waitFor(() => engines.every((e) => e.distribution.connection().connected), {
      timeoutMs: 5_000,
      what: 'followers to reconnect',
    });
    const other = engines.find((e) => e !== leader)!;
    const seen: string[] = [];
    other.distribution.onBatch((batch) => seen.push(...batch.tickers.map((t) => t.last ?? '')));
    await leader.distribution.publish([ticker('BTCUSDT', '2')]);
    await waitFor(() => seen.includes('2'), { timeoutMs: 5_000, what: 'a batch after the restart' });
  });
});
