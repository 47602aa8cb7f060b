import type { ScannerHeartbeat } from '@tickwire/cluster';
import { scannerHeartbeatCheck } from './scanner-heartbeat-check';

const NOW = Date.parse('2026-12-06T10:00:00.000Z');
const heartbeat = (ageMs: number, status: ScannerHeartbeat['status'] = 'ok'): ScannerHeartbeat => ({
  lastScanAt: new Date(NOW - ageMs).toISOString(),
  signalsDetected: 0,
  status,
  instanceId: 'scanner-1',
  epoch: 3,
  scanIntervalMs: 60_000,
});

describe('the scanner:heartbeat check', () => {
  it('passes within two scan intervals and warns after them', () => {
    expect(scannerHeartbeatCheck({ state: 'read', heartbeat: heartbeat(120_000) }, NOW)).toMatchObject({
      status: 'pass',
      observedValue: 120_000,
    });
    const late = scannerHeartbeatCheck({ state: 'read', heartbeat: heartbeat(120_001) }, NOW);
    expect(late).toMatchObject({ status: 'warn', observedValue: 120_001 });
    expect(late.output).toContain('more than 120000 ms');
  });

  it('judges lateness as of the read, so polling every few seconds does not make a fast scanner look late', () => {
    const fast = { ...heartbeat(0), scanIntervalMs: 2_000, lastScanAt: new Date(NOW - 6_000).toISOString() };
    // Read 1 s after the scan, looked at 5 s later: 6 s old now, but on time when read.
    const onTime = scannerHeartbeatCheck({ state: 'read', heartbeat: fast, readAt: NOW - 5_000 }, NOW);
    expect(onTime).toMatchObject({ status: 'pass', observedValue: 6_000 });
    const lateAtRead = scannerHeartbeatCheck({ state: 'read', heartbeat: fast, readAt: NOW }, NOW);
    expect(lateAtRead.status).toBe('warn');
  });

  it('warns when there is no heartbeat, it cannot be read, or the scan was degraded', () => {
    expect(scannerHeartbeatCheck({ state: 'read', heartbeat: undefined }, NOW).output).toContain(
      'no scanner heartbeat',
    );
    expect(scannerHeartbeatCheck({ state: 'unreachable', error: 'ECONNREFUSED' }, NOW).output).toContain(
      'ECONNREFUSED',
    );
    expect(scannerHeartbeatCheck({ state: 'read', heartbeat: heartbeat(0, 'degraded') }, NOW).status).toBe(
      'warn',
    );
  });
});
