/**
 * Redis killed and restarted under a running cluster (a real redis-server process): every pod
 * keeps serving its last prices flagged stale, the leader drops its upstream within the renew
 * deadline, /health says 503 while /readyz and /livez stay 200, and the cluster recovers by
 * itself when Redis returns.
 */
import { openSse, startTestRedis, waitFor, watchEventLoopStalls, type TestRedis } from '@tickwire/testkit';
import {
  loopHeldUpMs,
  samplesSince,
  startCluster,
  TEST_TIMINGS,
  type ClusterFixture,
} from './support/cluster-fixture';

jest.setTimeout(60_000);

const RENEW_DEADLINE_MS = Number(TEST_TIMINGS.LEADER_RENEW_DEADLINE_MS);

const statusCode = async (url: string) => (await fetch(url, { signal: AbortSignal.timeout(2_000) })).status;

describe('a cluster through a Redis outage', () => {
  let redis: TestRedis | undefined;
  let cluster: ClusterFixture | undefined;

  afterEach(async () => {
    await cluster?.stop();
    await redis?.stop();
  });

  it('serves stale prices with /health 503 during the outage, drops the upstream, and recovers without restarts', async () => {
    redis = await startTestRedis({ forceBinary: true });
    cluster = await startCluster({ pods: 3, redis });
    const leader = await cluster.leader();
    const follower = cluster.pods.find((pod) => pod !== leader)!;
    await waitFor(async () => (await statusCode(`${follower.url}/health`)) === 200, {
      timeoutMs: 5_000,
      what: 'a healthy follower',
    });
    const sse = await openSse(`${follower.url}/v1/stream`);
    try {
      await sse.waitForEvents((events) => events.some((e) => e.event === 'tick'), 5_000);

      // The leader's deadline timer and this process's simulator run no more punctually than
      // their event loops: the bound adds the time either was held up (none on an idle machine).
      await loopHeldUpMs(leader);
      const stalls = watchEventLoopStalls();
      const killedAt = Date.now();
      let upstreamDownMs: number;
      try {
        await redis.kill!();
        await waitFor(() => cluster!.sim.stats().wsConnections === 0, {
          timeoutMs: RENEW_DEADLINE_MS + 5_000,
          intervalMs: 10,
          what: 'the leader to drop its upstream',
        });
        upstreamDownMs = Date.now() - killedAt;
      } finally {
        stalls.stop();
      }
      const heldUpMs = (await loopHeldUpMs(leader)) + stalls.stalledMs();
      process.stdout.write(
        `Redis killed: leader closed its upstream after ${upstreamDownMs} ms (loops held up ${Math.round(heldUpMs)} ms)\n`,
      );
      expect(upstreamDownMs).toBeLessThanOrEqual(RENEW_DEADLINE_MS + 300 + heldUpMs);

      for (const pod of cluster.pods) {
        await waitFor(async () => (await statusCode(`${pod.url}/health`)) === 503, {
          timeoutMs: 5_000,
          what: `${pod.url} /health to fail`,
        });
        expect(await statusCode(`${pod.url}/readyz`)).toBe(200);
        expect(await statusCode(`${pod.url}/livez`)).toBe(200);
        const status = (await cluster.status(pod))!;
        expect(status).toMatchObject({ state: 'stale', distribution: { connected: false } });
        const prices = (await (await fetch(`${pod.url}/v1/prices`)).json()) as {
          prices: { symbol: string; stale: boolean }[];
        };
        expect(prices.prices).toHaveLength(3);
        expect(prices.prices.every((p) => p.stale)).toBe(true);
      }
      await sse.waitForEvents(
        (events) =>
          events.some(
            (e) => e.event === 'status' && (JSON.parse(e.data) as { state: string }).state === 'stale',
          ),
        5_000,
      );
      // No pod held an upstream while Redis was away.
      expect(
        samplesSince(cluster.samples, killedAt + upstreamDownMs).filter((s) => s.connections > 0),
      ).toEqual([]);

      const restartedAt = Date.now();
      await redis.restart!();
      await cluster.leader(10_000);
      for (const pod of cluster.pods) {
        await waitFor(async () => (await statusCode(`${pod.url}/health`)) === 200, {
          timeoutMs: 10_000,
          what: `${pod.url} /health to recover`,
        });
      }
      process.stdout.write(`Redis restarted: every pod healthy again after ${Date.now() - restartedAt} ms\n`);
      const recoveredAt = Date.now();
      // The same SSE stream, never reconnected, carries live ticks again.
      await sse.waitForEvents(
        (events) => events.some((e) => e.event === 'tick' && e.receivedAt > recoveredAt),
        5_000,
      );
      expect(sse.closed).toBe(false);
      expect(samplesSince(cluster.samples, restartedAt).filter((s) => s.connections > 1)).toEqual([]);
    } finally {
      sse.close();
    }
  });
});
