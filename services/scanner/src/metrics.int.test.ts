import { parsePrometheusText, sampleValue, startTestRedis, waitFor, type TestRedis } from '@tickwire/testkit';
import type { ScanOutcome } from './role';
import { startScannerHarness, type ScannerHarness } from './testing/scanner-harness';

describe("a scanner's /metrics", () => {
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

  it('counts the signals its scans detected and tells when the last scan finished, per the heartbeat', async () => {
    const startedAt = Date.now();
    const scan = async (): Promise<ScanOutcome> => ({ signalsDetected: 3, status: 'ok' });
    harness = await startScannerHarness(redis.url, { SCAN_INTERVAL_MS: '1000' }, scan);
    const scrape = async () =>
      parsePrometheusText(
        await (await fetch(`${harness!.url}/metrics`, { signal: AbortSignal.timeout(5_000) })).text(),
      );
    // The heartbeat watch reads the heartbeat once a second: wait until it has seen one.
    const metrics = await waitFor(
      async () => {
        const current = await scrape();
        return sampleValue(current, 'tickwire_scanner_last_scan_timestamp_seconds') > 0 && current;
      },
      { timeoutMs: 5_000, what: 'the last scan time on /metrics' },
    );
    const lastScanMs = sampleValue(metrics, 'tickwire_scanner_last_scan_timestamp_seconds') * 1000;
    const heartbeat = await harness.scanner.heartbeat.read();
    expect(lastScanMs).toBeGreaterThanOrEqual(startedAt);
    expect(lastScanMs).toBeLessThanOrEqual(Date.parse(heartbeat!.lastScanAt));
    const scans = sampleValue(metrics, 'tickwire_scanner_scans_total', { outcome: 'ok' });
    expect(scans).toBeGreaterThanOrEqual(1);
    expect(sampleValue(metrics, 'tickwire_scanner_signals_detected_total')).toBe(3 * scans);
    expect(sampleValue(metrics, 'tickwire_scanner_scan_interval_seconds')).toBe(1);
    expect(sampleValue(metrics, 'tickwire_scanner_active')).toBe(1);
  });
});
