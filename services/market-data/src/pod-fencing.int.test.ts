/**
 * A leader whose lease is taken from under it, on a real Redis: its next write is refused by
 * the fence, counted in tickwire_fenced_writes_total, and it steps down at once.
 */
import { randomUUID } from 'node:crypto';
import { clusterKeys, createRedisClient, disconnectRedis } from '@tickwire/cluster';
import { sampleValue, startTestRedis, waitFor, type TestRedis } from '@tickwire/testkit';
import { startPodHarness, type PodHarness } from './testing/pod-harness';

jest.setTimeout(30_000);

describe('a leader pod on Redis', () => {
  let redis: TestRedis | undefined;
  let harness: PodHarness | undefined;

  afterEach(async () => {
    await harness?.stop();
    await redis?.stop();
    harness = undefined;
    redis = undefined;
  });

  it('counts a write refused by the fence in tickwire_fenced_writes_total and steps down', async () => {
    redis = await startTestRedis();
    const namespace = `t${randomUUID().slice(0, 8)}`;
    // A lease far longer than the test, so only the fence can notice the theft.
    harness = await startPodHarness({
      REDIS_URL: redis.url,
      REDIS_NAMESPACE: namespace,
      LEADER_LEASE_MS: '60000',
      LEADER_RENEW_MS: '20000',
      LEADER_RENEW_DEADLINE_MS: '40000',
    });
    const pod = harness;
    const admin = createRedisClient(
      { mode: 'standalone', url: redis.url },
      { instanceId: 'thief', purpose: 'commands', commandTimeoutMs: 2_000 },
    );
    try {
      await admin.connect();
      await waitFor(
        async () =>
          (await pod.metrics()).samples.some(
            (s) => s.name === 'tickwire_ticks_published_total' && s.value > 0,
          ),
        {
          timeoutMs: 5_000,
          what: 'the pod to lead and publish',
        },
      );
      expect(sampleValue(await pod.metrics(), 'tickwire_fenced_writes_total')).toBe(0);
      const leaderKey = clusterKeys(namespace).leader;
      const held = await admin.get(leaderKey);
      expect(held).toMatch(/:\d+$/);
      // Another pod's lease with a newer epoch, as after a failover this pod did not see.
      const epoch = Number(held!.split(':').at(-1));
      await admin.set(leaderKey, `thief:${epoch + 1}`, 'PX', 60_000);

      await waitFor(async () => sampleValue(await pod.metrics(), 'tickwire_fenced_writes_total') >= 1, {
        timeoutMs: 5_000,
        what: 'a fenced write',
      });
      const metrics = await pod.metrics();
      expect(sampleValue(metrics, 'tickwire_leader')).toBe(0);
      expect(sampleValue(metrics, 'tickwire_publish_errors_total')).toBeGreaterThanOrEqual(
        sampleValue(metrics, 'tickwire_fenced_writes_total'),
      );
      expect(pod.logs.find((line) => line.msg === 'stepping down')).toMatchObject({ component: 'cluster' });
      // The stolen lease stays the thief's: this pod did not write over it.
      expect(await admin.get(leaderKey)).toBe(`thief:${epoch + 1}`);
    } finally {
      disconnectRedis(admin);
    }
  });
});
