/**
 * How many streams one subject (an API key, or an address without one) may hold open at once
 * across every process that serves them: each open stream holds a lease in Redis that its
 * process renews; a process that dies stops renewing, and its slots come free when the leases
 * expire instead of being held forever. Taking a slot also checks, in the same round trip, that
 * the subject's key was not revoked.
 */
import { randomUUID } from 'node:crypto';
import type { ClusterLogger } from '../logger';
import type { StreamLeaseScripts } from './stream-lease-scripts';

/** How long a slot outlives its holder's last renewal (ms); renewed three times within it. */
export const DEFAULT_STREAM_LEASE_MS = 15_000;
const RENEWALS_PER_LEASE = 3;

export interface StreamQuotaOptions {
  scripts: StreamLeaseScripts;
  leaseMs?: number;
  logger: ClusterLogger;
}

/** One held slot; `release()` frees it (idempotent). */
export interface StreamLease {
  readonly id: string;
  release(): Promise<void>;
}

export interface AcquireOptions {
  /** A key id: the slot is refused ('revoked') when this key was revoked. */
  unlessRevoked?: string;
  /** Called when the lease could not be renewed before it expired (the slot may be another's now). */
  onLost?: () => void;
}

export type StreamAdmission = { lease: StreamLease } | { refused: 'full' | 'revoked' };

export class StreamQuota {
  private readonly leaseMs: number;

  constructor(private readonly options: StreamQuotaOptions) {
    this.leaseMs = options.leaseMs ?? DEFAULT_STREAM_LEASE_MS;
  }

  /** Takes a slot of `subject` when fewer than `max` are held (and its key is not revoked). */
  async acquire(subject: string, max: number, options: AcquireOptions = {}): Promise<StreamAdmission> {
    const { scripts, logger } = this.options;
    const id = randomUUID();
    const taken = await scripts.acquire(subject, id, max, this.leaseMs, options.unlessRevoked);
    if ('refused' in taken) return taken;
    let released = false;
    const renew = setInterval(() => {
      scripts.renew(subject, id, this.leaseMs).then(
        (held) => {
          if (held || released) return;
          released = true;
          clearInterval(renew);
          options.onLost?.();
        },
        // A failed renewal is retried at the next tick; the lease covers two more.
        (error: unknown) =>
          logger.warn({ err: (error as Error).message, subject }, 'stream lease renewal failed'),
      );
    }, this.leaseMs / RENEWALS_PER_LEASE);
    renew.unref();
    return {
      lease: {
        id,
        release: async () => {
          if (released) return;
          released = true;
          clearInterval(renew);
          await scripts.release(subject, id);
        },
      },
    };
  }

  /** Slots of `subject` held now, everywhere. */
  held(subject: string): Promise<number> {
    return this.options.scripts.held(subject);
  }
}
