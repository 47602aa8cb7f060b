/**
 * The active scanner's clock: one scan at once and then every SCAN_INTERVAL_MS, each followed
 * by the heartbeat with its report. What a scan does is given (`scan`); a scan never overlaps
 * the next, and a refused heartbeat (fenced off) steps the replica down.
 */
import { isNotLeaderError, type ScannerStatus } from '@tickwire/cluster';
import type { Lifecycle } from '@tickwire/core';
import type { Logger } from '@tickwire/observability';
import type { Heartbeat } from '../heartbeat/heartbeat';
import type { ScannerMetrics } from '../metrics';

export interface ScanOutcome {
  signalsDetected: number;
  status: ScannerStatus;
}

/** One scan of every strategy; resolves with what it found. */
export type Scan = () => Promise<ScanOutcome>;

export interface ScanLoopOptions {
  scan: Scan;
  intervalMs: number;
  heartbeat: Pick<Heartbeat, 'write'>;
  /** Called when a write was refused because another replica is active now. */
  onFenced(reason: string): void;
  logger: Logger;
  metrics: ScannerMetrics;
}

export class ScanLoop implements Lifecycle {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private current: Promise<void> = Promise.resolve();

  constructor(private readonly options: ScanLoopOptions) {}

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.current = this.tick();
  }

  /** Resolves once the scan under way (if any) has finished. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.current;
  }

  private async tick(): Promise<void> {
    const { scan, heartbeat, logger, metrics } = this.options;
    const stopTimer = metrics.scanDuration.startTimer();
    try {
      const outcome = await scan();
      metrics.scans.inc({ outcome: outcome.status });
      metrics.signalsDetected.inc(outcome.signalsDetected);
      if (this.running) await heartbeat.write({ finishedAt: Date.now(), ...outcome });
    } catch (error) {
      if (isNotLeaderError(error)) {
        metrics.fencedWrites.inc();
        this.options.onFenced(error.message);
      } else {
        metrics.scans.inc({ outcome: 'failed' });
        logger.error({ err: error }, 'scan failed');
      }
    } finally {
      stopTimer();
    }
    if (this.running) this.timer = setTimeout(() => (this.current = this.tick()), this.options.intervalMs);
  }
}
