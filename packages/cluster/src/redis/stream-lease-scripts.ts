/** The one typed module through which the stream-lease scripts in ./lua are called. */
import { join } from 'node:path';
import { ClusterError } from './errors';
import type { StreamAccessKeys } from './keys';
import { defineLuaCommands, type LuaFunction } from './lua-commands';
import type { RedisClient } from './redis-client';

const SCRIPT_FILES = {
  acquireStreamLease: 'acquire-stream-lease-2.lua',
  renewStreamLease: 'renew-stream-lease-1.lua',
} as const;

/** Returned by acquire-stream-lease-2.lua. */
const FULL = -1;
const REVOKED = -2;

export type LeaseAcquisition = { held: number } | { refused: 'full' | 'revoked' };

export class StreamLeaseScripts {
  private readonly scripts: Record<keyof typeof SCRIPT_FILES, LuaFunction>;

  constructor(
    private readonly client: RedisClient,
    private readonly keys: StreamAccessKeys,
  ) {
    this.scripts = defineLuaCommands(client, join(__dirname, 'lua'), SCRIPT_FILES);
  }

  /** Takes a slot of `subject` unless all `max` are held, or `keyId` (when given) was revoked. */
  async acquire(
    subject: string,
    leaseId: string,
    max: number,
    leaseMs: number,
    keyId: string | undefined,
  ): Promise<LeaseAcquisition> {
    const reply = await this.scripts.acquireStreamLease(
      this.keys.streamLeases(subject),
      this.keys.revokedKeys,
      leaseId,
      max,
      leaseMs,
      keyId ?? '',
    );
    if (reply === FULL) return { refused: 'full' };
    if (reply === REVOKED) return { refused: 'revoked' };
    if (typeof reply === 'number' && reply > 0) return { held: reply };
    throw new ClusterError('SCRIPT_FAILED', `stream lease acquire returned ${String(reply)}`);
  }

  /**
   * Renews many leases in one round trip (a pipeline of the renew script); for each, false when
   * it expired before it was renewed. Throws when Redis cannot be reached.
   */
  async renewAll(
    leases: readonly { subject: string; leaseId: string }[],
    leaseMs: number,
  ): Promise<boolean[]> {
    if (leases.length === 0) return [];
    const pipeline = this.client.pipeline() as unknown as Record<
      'renewStreamLease',
      (...args: (string | number)[]) => unknown
    > & { exec(): Promise<[Error | null, unknown][] | null> };
    for (const { subject, leaseId } of leases)
      pipeline.renewStreamLease(this.keys.streamLeases(subject), leaseId, leaseMs);
    const replies = await pipeline.exec();
    if (replies === null) throw new ClusterError('SCRIPT_FAILED', 'stream lease renewal was discarded');
    return replies.map(([error, reply]) => {
      if (error) throw error;
      return reply === 1;
    });
  }

  async release(subject: string, leaseId: string): Promise<void> {
    await this.client.zrem(this.keys.streamLeases(subject), leaseId);
  }

  /** Live leases of `subject` (those not yet expired at Redis's time). */
  async held(subject: string): Promise<number> {
    const [seconds, micros] = await this.client.time();
    const now = Number(seconds) * 1_000 + Math.floor(Number(micros) / 1_000);
    return this.client.zcount(this.keys.streamLeases(subject), `(${now}`, '+inf');
  }

  /** Those of `keyIds` that were revoked (and are still remembered as such). */
  async revokedAmong(keyIds: readonly string[]): Promise<string[]> {
    if (keyIds.length === 0) return [];
    const scores = await this.client.zmscore(this.keys.revokedKeys, ...keyIds);
    return keyIds.filter((_, index) => scores[index] !== null);
  }
}
