/**
 * Every Redis key of the gateway, spelled once, under its own namespace (`GATEWAY_NAMESPACE`).
 * All share the hash tag `{<ns>}`, so each Lua script's keys lie in one slot of a Redis Cluster;
 * tests use a fresh namespace each.
 */
import { keyPrefix, streamAccessKeys, type StreamAccessKeys } from '@tickwire/cluster';

/**
 * With the keys of stream access (revoked keys, their channel, stream leases), which the gateway
 * writes and the pods read under this same namespace.
 */
export interface GatewayKeys extends StreamAccessKeys {
  readonly namespace: string;
  /** Hash key id -> the key's record (JSON, see ApiKeyRecord): never the key itself, only its hash. */
  readonly apiKeys: string;
  /** Hash SHA-256 of a key (hex) -> key id: how a presented key is found. */
  readonly apiKeyHashes: string;
  /** Counter with a TTL: the requests (or failures) of one subject in its current window. */
  rateWindow(subject: string): string;
}

export function gatewayKeys(namespace: string): GatewayKeys {
  const prefix = keyPrefix(namespace);
  return {
    ...streamAccessKeys(namespace),
    apiKeys: `${prefix}api-keys`,
    apiKeyHashes: `${prefix}api-key-hashes`,
    rateWindow: (subject) => `${prefix}rate:${subject}`,
  };
}
