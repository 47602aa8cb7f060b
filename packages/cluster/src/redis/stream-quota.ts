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
  /** Leases held by this process, by id: renewed together, one round trip per tick. */
  private readonly mine = new Map<string, { subject: string; onLost: (() => void) | undefined }>();
  private renewTimer: NodeJS.Timeout | undefined;
  private renewing = false;

  constructor(private readonly options: StreamQuotaOptions) {
    this.leaseMs = options.leaseMs ?? DEFAULT_STREAM_LEASE_MS;
  }

  /** Takes a slot of `subject` when fewer than `max` are held (and its key is not revoked). */
  async acquire(subject: string, max: number, options: AcquireOptions = {}): Promise<StreamAdmission> {
    const id = randomUUID();
    const taken = await this.options.scripts.acquire(subject, id, max, this.leaseMs, options.unlessRevoked);
    if ('refused' in taken) return taken;
    this.mine.set(id, { subject, onLost: options.onLost });
    this.renewTimer ??= setInterval(() => void this.renewHeld(), this.leaseMs / RENEWALS_PER_LEASE).unref();
    return {
      lease: {
        id,
        release: async () => {
          if (!this.mine.delete(id)) return;
          this.stopWhenIdle();
          await this.options.scripts.release(subject, id);
        },
      },
    };
  }

  /** Slots of `subject` held now, everywhere. */
  held(subject: string): Promise<number> {
    return this.options.scripts.held(subject);
  }

  /** Renews every lease held here in one round trip; tells the holders of those found expired. */
  private async renewHeld(): Promise<void> {
    // A slow round trip is not overlapped by the next tick: the leases cover two more.
    if (this.renewing || this.mine.size === 0) return;
    this.renewing = true;
    const leases = [...this.mine].map(([leaseId, { subject }]) => ({ leaseId, subject }));
    try {
      const renewed = await this.options.scripts.renewAll(leases, this.leaseMs);
      leases.forEach(({ leaseId }, index) => {
        if (renewed[index]) return;
        const holder = this.mine.get(leaseId);
        if (!holder) return; // released meanwhile
        this.mine.delete(leaseId);
        holder.onLost?.();
      });
      this.stopWhenIdle();
    } catch (error) {
      // Retried at the next tick; the leases cover two more.
      this.options.logger.warn(
        { err: (error as Error).message, leases: leases.length },
        'stream lease renewal failed',
      );
    } finally {
      this.renewing = false;
    }
  }

  private stopWhenIdle(): void {
    if (this.mine.size > 0) return;
    clearInterval(this.renewTimer);
    this.renewTimer = undefined;
  }
}
