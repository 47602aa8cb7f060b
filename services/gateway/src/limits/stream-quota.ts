/**
 * How many streams one subject (an API key) may hold open at once across every replica: each
 * open stream holds a lease in Redis that its replica renews; a replica that dies stops renewing,
 * and its slots come free when the leases expire instead of being held forever.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '@tickwire/observability';
import type { LimitScripts } from './limit-scripts';

/** How long a slot outlives its holder's last renewal (ms); renewed three times within it. */
export const DEFAULT_STREAM_LEASE_MS = 15_000;
const RENEWALS_PER_LEASE = 3;

export interface StreamQuotaOptions {
  scripts: LimitScripts;
  leaseMs?: number;
  logger: Logger;
}

/** One held slot; `release()` frees it (idempotent). */
export interface StreamLease {
  readonly id: string;
  release(): Promise<void>;
}

export class StreamQuota {
  private readonly leaseMs: number;

  constructor(private readonly options: StreamQuotaOptions) {
    this.leaseMs = options.leaseMs ?? DEFAULT_STREAM_LEASE_MS;
  }

  /**
   * Takes a slot of `subject` when fewer than `max` are held; undefined otherwise. `onLost` is
   * called when the lease could not be renewed before it expired (the slot may be another's now).
   */
  async acquire(
    subject: string,
    max: number,
    onLost: () => void = () => {},
  ): Promise<StreamLease | undefined> {
    const { scripts, logger } = this.options;
    const id = randomUUID();
    if ((await scripts.acquireLease(subject, id, max, this.leaseMs)) === undefined) return undefined;
    let released = false;
    const renew = setInterval(() => {
      scripts.renewLease(subject, id, this.leaseMs).then(
        (held) => {
          if (held || released) return;
          released = true;
          clearInterval(renew);
          onLost();
        },
        // A failed renewal is retried at the next tick; the lease covers two more.
        (error: unknown) => logger.warn({ err: error, subject }, 'stream lease renewal failed'),
      );
    }, this.leaseMs / RENEWALS_PER_LEASE);
    renew.unref();
    return {
      id,
      release: async () => {
        if (released) return;
        released = true;
        clearInterval(renew);
        await scripts.releaseLease(subject, id);
      },
    };
  }

  /** Slots of `subject` held now, on every replica. */
  held(subject: string): Promise<number> {
    return this.options.scripts.heldLeases(subject);
  }
}
