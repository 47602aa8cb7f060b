/** What the gateway keeps about an API key, and what it shows of it. */
import type { Scope } from './scopes';

/** The stored record: everything but the key, of which only the hash is kept. */
export interface ApiKeyRecord {
  id: string;
  /** `tw_<id>`: how humans recognise the key. */
  prefix: string;
  name: string;
  scope: Scope;
  /** The scanner owner a `bot` key acts for. */
  ownerId?: string;
  /** Streams the key may hold open at once; absent: the gateway's MAX_STREAMS_PER_KEY. */
  maxStreams?: number;
  /** Hex SHA-256 of the key. */
  hash: string;
  /** ISO times. */
  createdAt: string;
  expiresAt?: string;
  revokedAt?: string;
}

export type ApiKeyStatus = 'active' | 'expired' | 'revoked';

/** A key as the admin API and the CLI show it: never the secret, nor its hash. */
export type ApiKeyView = Omit<ApiKeyRecord, 'hash'> & { status: ApiKeyStatus };

export function keyStatus(record: ApiKeyRecord, now: number): ApiKeyStatus {
  if (record.revokedAt !== undefined) return 'revoked';
  if (record.expiresAt !== undefined && Date.parse(record.expiresAt) <= now) return 'expired';
  return 'active';
}

export function toView(record: ApiKeyRecord, now: number): ApiKeyView {
  const { hash: _hash, ...shown } = record;
  return { ...shown, status: keyStatus(record, now) };
}
