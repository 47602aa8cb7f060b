/**
 * /readyz tells a load balancer when to route traffic here: not while the pod is still starting
 * (it answers HTTP before it has joined the election), only once it is ready.
 */
import { randomUUID } from 'node:crypto';
import { createRedisClient, disconnectRedis } from '@tickwire/cluster';
import { freePort, startTestRedis, waitFor, type TestRedis } from '@tickwire/testkit';
import { startPodHarness, type PodHarness } from './testing/pod-harness';

jest.setTimeout(30_000);

/**
 * How long Redis holds every write, the election's first one included (ms): past the pod's
 * start-up on a loaded machine, a stall of this process (which runs the pod) included.
 */
const WRITE_PAUSE_MS = 6_000;

describe('a starting pod', () => {
  let redis: TestRedis | undefined;
  let harness: PodHarness | undefined;

  afterEach(async () => {
    await harness?.stop();
    await redis?.stop();
    harness = undefined;
    redis = undefined;
  });

  it('answers /readyz 503 "starting" while it joins the election, then 200 "ready"', async () => {
    // A Redis of its own: pausing the shared one would stall every other test on it.
    redis = await startTestRedis({ forceBinary: true });
    const port = await freePort();
    const admin = createRedisClient(
      { mode: 'standalone', url: redis.url },
      { instanceId: 'admin', purpose: 'commands', commandTimeoutMs: 2_000 },
    );
    try {
      await admin.connect();
      await admin.call('CLIENT', 'PAUSE', String(WRITE_PAUSE_MS), 'WRITE');
      const starting = startPodHarness({
        PORT: String(port),
        REDIS_URL: redis.url,
        REDIS_NAMESPACE: `t${randomUUID().slice(0, 8)}`,
      });
      const early = await waitFor(
        async () => {
          const response = await fetch(`http://127.0.0.1:${port}/readyz`);
          return { status: response.status, body: await response.json() };
        },
        { timeoutMs: WRITE_PAUSE_MS, intervalMs: 10, what: 'the pod to answer HTTP' },
      );
      harness = await starting;
      expect(early).toEqual({ status: 503, body: { status: 'starting' } });
      expect(harness.logs.some((line) => line.msg === 'pod started')).toBe(true);
      const ready = await harness.get('/readyz');
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready' });
    } finally {
      disconnectRedis(admin);
    }
  });
});
