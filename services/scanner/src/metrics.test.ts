import { Registry } from 'prom-client';
import type { HeartbeatReading, ScannerHeartbeat } from '@tickwire/cluster';
import { createScannerMetrics } from './metrics';

const heartbeat = (lastScanAt: string): ScannerHeartbeat => ({
  lastScanAt,
  signalsDetected: 0,
  status: 'ok',
  instanceId: 'scanner-1',
  epoch: 3,
  scanIntervalMs: 60_000,
});

async function sample(registry: Registry, metric: string): Promise<number | undefined> {
  const found = (await registry.getMetricsAsJSON()).find((m) => m.name === metric);
  return found?.values[0]?.value;
}

describe("the scanner's metrics", () => {
  it('report the heartbeat as the time of the last scan, 0 without one, and keep it while Redis is unreadable', async () => {
    const registry = new Registry();
    let reading: HeartbeatReading = { state: 'read', heartbeat: heartbeat('2026-12-06T10:00:00.500Z') };
    createScannerMetrics(registry, { scanIntervalMs: 60_000, heartbeat: () => reading });
    const lastScan = () => sample(registry, 'tickwire_scanner_last_scan_timestamp_seconds');

    expect(await lastScan()).toBe(Date.parse('2026-12-06T10:00:00.500Z') / 1000);
    reading = { state: 'unreachable', error: 'Connection is closed.' };
    expect(await lastScan()).toBe(Date.parse('2026-12-06T10:00:00.500Z') / 1000);
    reading = { state: 'read', heartbeat: undefined };
    expect(await lastScan()).toBe(0);
  });

  it("report the replica's scan interval in seconds", async () => {
    const registry = new Registry();
    createScannerMetrics(registry, { scanIntervalMs: 15_000, heartbeat: () => ({ state: 'unknown' }) });
    expect(await sample(registry, 'tickwire_scanner_scan_interval_seconds')).toBe(15);
  });
});
