import { randomUUID } from 'node:crypto';
import { RedisLeadership } from '@tickwire/cluster';
import type { HealthReport } from '@tickwire/observability';
import { startTestRedis, waitFor, type TestRedis } from '@tickwire/testkit';
import { startPodHarness, type PodHarness } from './testing/pod-harness';

describe("a pod's /health and the scanner's heartbeat", () => {
  let redis: TestRedis;
  let pod: PodHarness | undefined;
  let scanner: RedisLeadership | undefined;

  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });
  afterEach(async () => {
    await pod?.stop();
    pod = undefined;
    await scanner?.election.stop();
    await scanner?.close();
    scanner = undefined;
  });

  const health = async () => (await (await pod!.get('/health')).json()) as HealthReport;
  const namespace = () => `t${randomUUID().slice(0, 8)}`;

  it('has no scanner check when no scanner is configured', async () => {
    pod = await startPodHarness({ REDIS_URL: redis.url, REDIS_NAMESPACE: namespace() });
    expect(Object.keys((await health()).checks)).not.toContain('scanner:heartbeat');
  });

  it("reports the active scanner's heartbeat, and warns when it is older than two scan intervals", async () => {
    const scannerNamespace = namespace();
    scanner = await RedisLeadership.create({
      instanceId: 'scanner-1',
      connection: { mode: 'standalone', url: redis.url },
      namespace: scannerNamespace,
    });
    await scanner.election.start();
    const beat = (lastScanAt: Date) =>
      scanner!.writeHeartbeat(
        {
          lastScanAt: lastScanAt.toISOString(),
          signalsDetected: 1,
          status: 'ok',
          instanceId: 'scanner-1',
          epoch: 1,
          scanIntervalMs: 60_000,
        },
        600_000,
      );
    await beat(new Date());
    pod = await startPodHarness({
      REDIS_URL: redis.url,
      REDIS_NAMESPACE: namespace(),
      SCANNER_NAMESPACE: scannerNamespace,
    });
    expect((await health()).checks['scanner:heartbeat']?.[0]).toMatchObject({
      status: 'pass',
      observedUnit: 'ms since the last scan',
    });

    await beat(new Date(Date.now() - 3 * 60_000));
    const late = await waitFor(
      async () => {
        const check = (await health()).checks['scanner:heartbeat']?.[0];
        return check?.status === 'warn' && check;
      },
      { timeoutMs: 10_000, what: 'the pod to see the late heartbeat' },
    );
    expect(late.output).toContain('scanner-1');
  });
});
