/**
 * API keys in Redis, shared by every replica and by `pnpm keys`: created (the key returned once,
 * only its hash stored), listed without secrets, revoked, and found by the hash of a presented
 * key. Nothing is cached in a replica, so a revocation holds on every replica from the next request.
 */
import { ClusterError, type RedisClient } from '@tickwire/cluster';
import type { GatewayKeys } from '../gateway-keys';
import { toView, type ApiKeyRecord, type ApiKeyView } from './api-key-record';
import { generateApiKey, hashApiKey, sameHash, visiblePrefix } from './api-key-secret';
import { KeyScripts } from './key-scripts';
import type { NewKey } from './new-key';

/** Draws of a fresh id before giving up (a collision of 48 random bits is already rare). */
const MAX_CREATE_ATTEMPTS = 5;

export interface CreatedApiKey {
  /** The key itself: shown to its owner now, never again. */
  key: string;
  view: ApiKeyView;
}

export class ApiKeyStore {
  private readonly scripts: KeyScripts;

  constructor(
    private readonly client: RedisClient,
    private readonly keys: GatewayKeys,
  ) {
    this.scripts = new KeyScripts(client, keys);
  }

  async create(input: NewKey, now: number = Date.now()): Promise<CreatedApiKey> {
    for (let attempt = 0; attempt < MAX_CREATE_ATTEMPTS; attempt += 1) {
      const { id, key, hash } = generateApiKey();
      const record: ApiKeyRecord = {
        id,
        prefix: visiblePrefix(id),
        name: input.name,
        scope: input.scope,
        ...(input.ownerId !== undefined && { ownerId: input.ownerId }),
        ...(input.maxStreams !== undefined && { maxStreams: input.maxStreams }),
        hash,
        createdAt: new Date(now).toISOString(),
        ...(input.expiresAt !== undefined && { expiresAt: new Date(input.expiresAt).toISOString() }),
      };
      if (await this.scripts.create(id, hash, JSON.stringify(record)))
        return { key, view: toView(record, now) };
    }
    throw new ClusterError('SCRIPT_FAILED', `no free key id after ${MAX_CREATE_ATTEMPTS} draws`);
  }

  /** Every key, oldest first. */
  async list(now: number = Date.now()): Promise<ApiKeyView[]> {
    const records = Object.values(await this.client.hgetall(this.keys.apiKeys)).map(
      (json) => JSON.parse(json) as ApiKeyRecord,
    );
    records.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    return records.map((record) => toView(record, now));
  }

  /**
   * The key as it now is (revoked), or undefined when no key has this id. Every pod closes the
   * streams opened with the key's tokens, and refuses its tokens from now on.
   */
  async revoke(id: string, now: number = Date.now()): Promise<ApiKeyView | undefined> {
    const json = await this.scripts.revoke(id, new Date(now).toISOString());
    return json === undefined ? undefined : toView(JSON.parse(json) as ApiKeyRecord, now);
  }

  /** The record of the presented key (whatever its status), or undefined when it is no key of ours. */
  async find(presented: string): Promise<ApiKeyRecord | undefined> {
    const hash = hashApiKey(presented);
    const json = await this.scripts.find(hash);
    if (json === undefined) return undefined;
    const record = JSON.parse(json) as ApiKeyRecord;
    // Found by hash already; the constant-time comparison keeps it so if lookups ever change.
    return sameHash(record.hash, hash) ? record : undefined;
  }
}
