/** The one typed module through which the key store's Lua scripts in ./lua are called. */
import { join } from 'node:path';
import { ClusterError, defineLuaCommands, type LuaFunction, type RedisClient } from '@tickwire/cluster';
import { MAX_STREAM_TOKEN_LIFETIME_MS } from '@tickwire/service';
import type { GatewayKeys } from '../gateway-keys';

const SCRIPT_FILES = {
  createApiKey: 'create-key-2.lua',
  findApiKey: 'find-key-2.lua',
  revokeApiKey: 'revoke-key-2.lua',
} as const;

/** Returned by create-key-2.lua when the id or hash exists. */
const TAKEN = -1;

export class KeyScripts {
  private readonly scripts: Record<keyof typeof SCRIPT_FILES, LuaFunction>;

  constructor(
    client: RedisClient,
    private readonly keys: GatewayKeys,
  ) {
    this.scripts = defineLuaCommands(client, join(__dirname, 'lua'), SCRIPT_FILES);
  }

  /** false when the id or the hash is taken. */
  async create(id: string, hash: string, json: string): Promise<boolean> {
    const reply = await this.scripts.createApiKey(this.keys.apiKeys, this.keys.apiKeyHashes, id, hash, json);
    if (reply === TAKEN) return false;
    if (reply === 1) return true;
    throw new ClusterError('SCRIPT_FAILED', `api key create returned ${String(reply)}`);
  }

  async find(hash: string): Promise<string | undefined> {
    const reply = await this.scripts.findApiKey(this.keys.apiKeyHashes, this.keys.apiKeys, hash);
    return typeof reply === 'string' ? reply : undefined;
  }

  /** Also records the revocation for the pods and publishes it (see revoke-key-2.lua). */
  async revoke(id: string, revokedAt: string): Promise<string | undefined> {
    const reply = await this.scripts.revokeApiKey(
      this.keys.apiKeys,
      this.keys.revokedKeys,
      id,
      revokedAt,
      MAX_STREAM_TOKEN_LIFETIME_MS,
      this.keys.revocationEvents,
    );
    return typeof reply === 'string' ? reply : undefined;
  }
}
