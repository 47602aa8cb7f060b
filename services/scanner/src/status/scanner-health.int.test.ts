import type { HealthReport } from '@tickwire/observability';
import { startTestRedis, waitFor, type TestRedis } from '@tickwire/testkit';
import type { ScanOutcome } from '../role';
import { startScannerHarness, type ScannerHarness } from '../testing/scanner-harness';

describe("a scanner's /health", () => {
  let redis: TestRedis;
  let harness: ScannerHarness | undefined;

  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  const health = async () => {
    const res = await fetch(`${harness!.url}/health`, { signal: AbortSignal.timeout(5_000) });
    expect(res.headers.get('content-type')).toContain('application/health+json');
    return (await res.json()) as HealthReport;
  };

  it('reports Redis, the election and a fresh heartbeat of the active scanner, then warns once scans stop', async () => {
    let scans = 0;
    let release: (() => void) | undefined;
    const scan = async (): Promise<ScanOutcome> => {
      scans++;
      // The second scan hangs until the test ends: the heartbeat stops moving.
      if (scans > 1) await new Promise<void>((resolve) => (release = resolve));
      return { signalsDetected: 2, status: 'ok' };
    };
    try {
      harness = await startScannerHarness(redis.url, { SCAN_INTERVAL_MS: '1000' }, scan);
      const fresh = await waitFor(
        async () => {
          const report = await health();
          return report.checks['scanner:heartbeat']?.[0]?.status === 'pass' && report;
        },
        { timeoutMs: 5_000, what: 'a passing heartbeat check' },
      );
      expect(fresh.status).toBe('pass');
      expect(fresh.checks['redis:connection']?.[0]?.status).toBe('pass');
      expect(fresh.checks['scanner:election']?.[0]).toMatchObject({
        status: 'pass',
        observedValue: 'active',
      });
      const heartbeat = await harness.scanner.heartbeat.read();
      expect(heartbeat).toMatchObject({ signalsDetected: 2, status: 'ok', epoch: 1, scanIntervalMs: 1_000 });

      const late = await waitFor(
        async () => {
          const report = await health();
          return report.checks['scanner:heartbeat']?.[0]?.status === 'warn' && report;
        },
        { timeoutMs: 8_000, what: 'the heartbeat check to warn' },
      );
      expect(late.status).toBe('warn');
      expect(late.checks['scanner:heartbeat']?.[0]?.output).toContain('more than 2000 ms');
    } finally {
      release?.();
    }
  });
});
