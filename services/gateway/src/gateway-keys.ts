/**
 * Every Redis key of the gateway, spelled once, under its own namespace (`GATEWAY_NAMESPACE`).
 * All share the hash tag `{<ns>}`, so each Lua script's keys lie in one slot of a Redis Cluster;
 * tests use a fresh namespace each.
 */
import { keyPrefix } from '@tickwire/cluster';

export interface GatewayKeys {
  readonly namespace: string;
  /** Hash key id -> the key's record (JSON, see ApiKeyRecord): never the key itself, only its hash. */
  readonly apiKeys: string;
  /** Hash SHA-256 of a key (hex) -> key id: how a presented key is found. */
  readonly apiKeyHashes: string;
  /** Counter with a TTL: the requests (or failures) of one subject in its current window. */
  rateWindow(subject: string): string;
  /** Sorted set lease id -> expiry (ms on Redis's clock): the open streams of one subject. */
  streamLeases(subject: string): string;
}

export function gatewayKeys(namespace: string): GatewayKeys {
  const prefix = keyPrefix(namespace);
  return {
    namespace,
    apiKeys: `${prefix}api-keys`,
    apiKeyHashes: `${prefix}api-key-hashes`,
    rateWindow: (subject) => `${prefix}rate:${subject}`,
    streamLeases: (subject) => `${prefix}streams:${subject}`,
  };
}
