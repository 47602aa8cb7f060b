/**
 * The API key itself: `tw_<id>_<secret>`, where `tw_<id>` is a visible prefix that names the key
 * to humans (logs, `pnpm keys list`) and the secret is 32 random bytes. Only the SHA-256 of the
 * whole key is stored: a key has 256 bits of entropy, so a fast hash cannot be reversed by
 * guessing, and the gateway can find a key by its hash in one lookup.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const API_KEY_PREFIX = 'tw_';
/** Random bytes of the id (hex in the key) and of the secret (base64url in the key). */
const ID_BYTES = 6;
const SECRET_BYTES = 32;
const API_KEY_PATTERN = new RegExp(
  `^${API_KEY_PREFIX}[0-9a-f]{${ID_BYTES * 2}}_[A-Za-z0-9_-]{${Math.ceil((SECRET_BYTES * 4) / 3)}}$`,
);
export const KEY_ID_PATTERN = new RegExp(`^[0-9a-f]{${ID_BYTES * 2}}$`);

export interface GeneratedApiKey {
  id: string;
  /** The key to hand out, once. */
  key: string;
  /** What is stored (hex SHA-256 of `key`). */
  hash: string;
}

export function generateApiKey(): GeneratedApiKey {
  const id = randomBytes(ID_BYTES).toString('hex');
  const key = `${API_KEY_PREFIX}${id}_${randomBytes(SECRET_BYTES).toString('base64url')}`;
  return { id, key, hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** The prefix shown for a key id (`tw_3fa2c1d09e4b`). */
export function visiblePrefix(id: string): string {
  return `${API_KEY_PREFIX}${id}`;
}

/** Whether `text` has the shape of a key (anything else is refused before any lookup). */
export function looksLikeApiKey(text: string): boolean {
  return API_KEY_PATTERN.test(text);
}

/** Compares two hex hashes in time independent of where they differ. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
