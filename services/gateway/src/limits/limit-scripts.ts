/** The one typed module through which the limits' Lua scripts in ./lua are called. */
import { join } from 'node:path';
import { ClusterError, defineLuaCommands, type LuaFunction, type RedisClient } from '@tickwire/cluster';
import type { GatewayKeys } from '../gateway-keys';

const SCRIPT_FILES = {
  consumeRateWindow: 'consume-window-1.lua',
} as const;

export class LimitScripts {
  private readonly scripts: Record<keyof typeof SCRIPT_FILES, LuaFunction>;

  constructor(
    client: RedisClient,
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
}
