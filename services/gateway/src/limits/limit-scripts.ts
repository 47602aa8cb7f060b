/** The one typed module through which the limits' Lua scripts in ./lua are called. */
import { join } from 'node:path';
import { ClusterError, defineLuaCommands, type LuaFunction, type RedisClient } from '@tickwire/cluster';
import type { GatewayKeys } from '../gateway-keys';

const SCRIPT_FILES = {
  consumeRateWindow: 'consume-window-1.lua',
  acquireStreamLease: 'acquire-stream-lease-1.lua',
  renewStreamLease: 'renew-stream-lease-1.lua',
} as const;

/** Returned by acquire-stream-lease-1.lua when every slot is held. */
const FULL = -1;

export class LimitScripts {
  private readonly scripts: Record<keyof typeof SCRIPT_FILES, LuaFunction>;

  constructor(
    private readonly client: RedisClient,
    private readonly keys: GatewayKeys,
  ) {
    this.scripts = defineLuaCommands(client, join(__dirname, 'lua'), SCRIPT_FILES);
  }

  /** What `subject` used in its window after counting `cost`, and the ms until the window ends. */
  async consume(subject: string, cost: number, windowMs: number): Promise<{ used: number; resetMs: number }> {
    const reply = await this.scripts.consumeRateWindow(this.keys.rateWindow(subject), cost, windowMs);
    if (!Array.isArray(reply) || reply.length !== 2)
      throw new ClusterError('SCRIPT_FAILED', `rate window returned ${JSON.stringify(reply)}`);
    return { used: Number(reply[0]), resetMs: Number(reply[1]) };
  }

  /** Slots held after taking one, or undefined when all `max` are held. */
  async acquireLease(
    subject: string,
    leaseId: string,
    max: number,
    leaseMs: number,
  ): Promise<number | undefined> {
    const reply = await this.scripts.acquireStreamLease(
      this.keys.streamLeases(subject),
      leaseId,
      max,
      leaseMs,
    );
    return reply === FULL ? undefined : Number(reply);
  }

  /** false when the lease expired before it was renewed. */
  async renewLease(subject: string, leaseId: string, leaseMs: number): Promise<boolean> {
    return (await this.scripts.renewStreamLease(this.keys.streamLeases(subject), leaseId, leaseMs)) === 1;
  }

  async releaseLease(subject: string, leaseId: string): Promise<void> {
    await this.client.zrem(this.keys.streamLeases(subject), leaseId);
  }

  /** Live leases of `subject` (those not yet expired at Redis's time). */
  async heldLeases(subject: string): Promise<number> {
    const [seconds, micros] = await this.client.time();
    const now = Number(seconds) * 1_000 + Math.floor(Number(micros) / 1_000);
    return this.client.zcount(this.keys.streamLeases(subject), `(${now}`, '+inf');
  }
}
