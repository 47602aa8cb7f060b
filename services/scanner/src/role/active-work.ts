/**
 * Everything the active scanner runs, built each time this replica becomes active: the
 * evaluator (closes as they are announced, plus the scan loop's safety-net scans), the delivery
 * worker draining the destination queues, and the interest keeper. Started in that order and
 * stopped in reverse, so no signal is detected after the worker stopped taking work.
 *
 * After a failover, closes the previous active scanner may have missed are evaluated again:
 * those stored from one scan interval before its last heartbeat on (or one interval ago when
 * there is none), at most MAX_CATCH_UP_MS back. Signals it did store are deduplicated by the
 * signal log.
 */
import type { Lifecycle } from '@tickwire/core';
import type { Logger } from '@tickwire/observability';
import type { DeliveryWorker } from '../delivery';
import type { Evaluator } from '../evaluation/evaluator';
import type { InterestKeeper } from '../evaluation/interest-keeper';
import type { ScanLoop } from './scan-loop';

/** Oldest closes a newly active scanner evaluates (ms): older alerts are news no more. */
export const MAX_CATCH_UP_MS = 3_600_000;

export interface ActiveParts {
  evaluator: Evaluator;
  loop: ScanLoop;
  worker: DeliveryWorker;
  keeper: InterestKeeper;
}

export interface ActiveWorkOptions {
  /** When the previous active scanner last finished a scan (ms since the epoch), if known. */
  lastScanAt(): Promise<number | undefined>;
  scanIntervalMs: number;
  /** Builds the parts, given the time from which closes are evaluated. */
  build(evaluateFrom: number): ActiveParts;
  logger: Logger;
  now?: () => number;
}

export class ActiveWork implements Lifecycle {
  private parts: ActiveParts | undefined;

  constructor(private readonly options: ActiveWorkOptions) {}

  async start(): Promise<void> {
    const { scanIntervalMs, logger } = this.options;
    const now = (this.options.now ?? Date.now)();
    const lastScanAt = await this.options.lastScanAt().catch(() => undefined);
    const evaluateFrom = Math.max(now - MAX_CATCH_UP_MS, (lastScanAt ?? now) - scanIntervalMs);
    logger.info({ evaluateFrom: new Date(evaluateFrom).toISOString() }, 'active: evaluating closes from');
    const parts = this.options.build(evaluateFrom);
    this.parts = parts;
    await parts.evaluator.start();
    await parts.worker.start();
    await parts.keeper.start();
    await parts.loop.start();
  }

  async stop(): Promise<void> {
    const parts = this.parts;
    this.parts = undefined;
    if (!parts) return;
    await parts.loop.stop();
    await parts.evaluator.stop();
    await parts.keeper.stop();
    await parts.worker.stop();
  }
}
