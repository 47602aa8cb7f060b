/**
 * The active scanner's heartbeat (key and format in packages/cluster, which the pods read too):
 * written fenced after each scan, read by every replica for `/health`.
 */
import {
  readScannerHeartbeat,
  type RedisLeadership,
  type ScannerHeartbeat,
  type ScannerStatus,
} from '@tickwire/cluster';

/** A heartbeat lives this many scan intervals ... */
const HEARTBEAT_TTL_INTERVALS = 10;
/** ... and at least this long (ms): a scanner gone for good leaves no heartbeat behind, but not soon. */
const MIN_HEARTBEAT_TTL_MS = 3_600_000;

export interface ScanReport {
  /** When the scan finished (ms since the epoch). */
  finishedAt: number;
  signalsDetected: number;
  status: ScannerStatus;
}

export class Heartbeat {
  constructor(
    private readonly leadership: RedisLeadership,
    private readonly options: { instanceId: string; scanIntervalMs: number },
  ) {}

  /** Writes the report of a scan; throws NotLeaderError when this scanner is not the active one. */
  async write(report: ScanReport): Promise<ScannerHeartbeat> {
    const heartbeat: ScannerHeartbeat = {
      lastScanAt: new Date(report.finishedAt).toISOString(),
      signalsDetected: report.signalsDetected,
      status: report.status,
      instanceId: this.options.instanceId,
      epoch: this.leadership.election.state().epoch,
      scanIntervalMs: this.options.scanIntervalMs,
    };
    const ttlMs = Math.max(MIN_HEARTBEAT_TTL_MS, HEARTBEAT_TTL_INTERVALS * this.options.scanIntervalMs);
    await this.leadership.writeHeartbeat(heartbeat, ttlMs);
    return heartbeat;
  }

  read(): Promise<ScannerHeartbeat | undefined> {
    return readScannerHeartbeat(this.leadership.commands, this.leadership.keys.namespace);
  }
}
