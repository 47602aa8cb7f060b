/**
 * Stream tokens: what the gateway signs for a caller it admitted and what a pod verifies before
 * it opens that caller's stream, so streams go from clients to the pods without a second process
 * copying every byte (the model of Centrifugo's connection JWT). A token is a compact JWS
 * (RFC 7515) signed with HS256 (HMAC-SHA256) under a secret the gateway and the pods share:
 * `base64url(header).base64url(claims).base64url(signature)`. Only HS256 is accepted, whatever
 * the header says (`alg: none` and every other algorithm are refused before anything else is
 * read), and the signature is compared in constant time.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

/** Shortest secret accepted (bytes): HMAC-SHA256's own output size, as RFC 7518 asks of HS256 keys. */
export const MIN_STREAM_TOKEN_SECRET_BYTES = 32;
/**
 * Longest lifetime a token may have (ms). Pods refuse longer ones, so a revocation kept this long
 * outlives every token issued before it.
 */
export const MAX_STREAM_TOKEN_LIFETIME_MS = 3_600_000;
/** A token issued this far ahead of a pod's clock is still taken (s): clocks of hosts differ a little. */
const CLOCK_SKEW_SECONDS = 30;
/** Longer input is refused unread: a real token is a few hundred characters. */
const MAX_TOKEN_CHARS = 4_096;
/** Symbols one token may name. */
export const MAX_TOKEN_SYMBOLS = 1_024;
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const SIGNATURE_BYTES = 32;

/** What a stream token says (JWT claim names; times in seconds since the epoch). */
export interface StreamTokenClaims {
  /** Who streams: an API key's id (its visible prefix, never its secret), or `ip:<address>` for anonymous callers. */
  sub: string;
  /** The scope of the key (`read`, `bot`, `admin`). */
  scope: string;
  iat: number;
  exp: number;
  /** Unique per token. */
  jti: string;
  /** The only symbols the token may stream, as the caller wrote them; absent: any. */
  sym?: string[];
  /** Streams the subject may hold open at once, on every pod together. */
  maxStreams: number;
}

export type StreamTokenRefusal = 'malformed' | 'algorithm' | 'signature' | 'expired' | 'claims';

export type VerifiedStreamToken =
  { ok: true; claims: StreamTokenClaims } | { ok: false; reason: StreamTokenRefusal };

export interface NewStreamToken {
  sub: string;
  scope: string;
  maxStreams: number;
  sym?: readonly string[];
  /** ms since the epoch. */
  now: number;
  /** ms; at most MAX_STREAM_TOKEN_LIFETIME_MS. */
  lifetimeMs: number;
}

/** Signs a new token; returns it with its expiry (ms since the epoch). */
export function signStreamToken(input: NewStreamToken, secret: string): { token: string; expiresAt: number } {
  if (input.lifetimeMs <= 0 || input.lifetimeMs > MAX_STREAM_TOKEN_LIFETIME_MS)
    throw new RangeError(`a stream token lives 1 to ${MAX_STREAM_TOKEN_LIFETIME_MS} ms`);
  const iat = Math.floor(input.now / 1_000);
  const exp = Math.floor((input.now + input.lifetimeMs) / 1_000);
  const claims: StreamTokenClaims = {
    sub: input.sub,
    scope: input.scope,
    iat,
    exp,
    jti: randomUUID(),
    ...(input.sym !== undefined && { sym: [...input.sym] }),
    maxStreams: input.maxStreams,
  };
  const signingInput = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return { token: `${signingInput}.${sign(signingInput, secret)}`, expiresAt: exp * 1_000 };
}

/** Checks a presented token: its form, algorithm and signature, then its claims and expiry at `now` (ms). */
export function verifyStreamToken(token: string, secret: string, now: number): VerifiedStreamToken {
  if (token.length > MAX_TOKEN_CHARS) return refused('malformed');
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) return refused('malformed');
  const [header, payload, signature] = parts as [string, string, string];
  const decodedHeader = decodeJson(header);
  if (!isObject(decodedHeader)) return refused('malformed');
  // Only the algorithm this project signs with: a token naming another (or none) is not looked at further.
  if (decodedHeader.alg !== 'HS256' || 'crit' in decodedHeader) return refused('algorithm');
  const presented = Buffer.from(signature, 'base64url');
  const expected = Buffer.from(sign(`${header}.${payload}`, secret), 'base64url');
  if (presented.length !== SIGNATURE_BYTES || !timingSafeEqual(presented, expected))
    return refused('signature');
  const claims = parseClaims(decodeJson(payload));
  if (claims === undefined) return refused('claims');
  const nowSeconds = now / 1_000;
  if (claims.iat > nowSeconds + CLOCK_SKEW_SECONDS) return refused('claims');
  if (claims.exp <= nowSeconds) return refused('expired');
  return { ok: true, claims };
}

function sign(signingInput: string, secret: string): string {
  return createHmac('sha256', secret).update(signingInput).digest('base64url');
}

const refused = (reason: StreamTokenRefusal): VerifiedStreamToken => ({ ok: false, reason });

function decodeJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The claims, or undefined when one is missing, of the wrong type, or the lifetime is too long. */
function parseClaims(value: unknown): StreamTokenClaims | undefined {
  if (!isObject(value)) return undefined;
  const { sub, scope, iat, exp, jti, sym, maxStreams } = value;
  if (typeof sub !== 'string' || sub === '' || typeof scope !== 'string' || typeof jti !== 'string')
    return undefined;
  if (!Number.isSafeInteger(iat) || !Number.isSafeInteger(exp)) return undefined;
  const issued = iat as number;
  const expires = exp as number;
  if (expires <= issued || (expires - issued) * 1_000 > MAX_STREAM_TOKEN_LIFETIME_MS) return undefined;
  if (!Number.isSafeInteger(maxStreams) || (maxStreams as number) < 1) return undefined;
  if (
    sym !== undefined &&
    !(
      Array.isArray(sym) &&
      sym.length > 0 &&
      sym.length <= MAX_TOKEN_SYMBOLS &&
      sym.every((symbol) => typeof symbol === 'string')
    )
  )
    return undefined;
  return {
    sub,
    scope,
    iat: issued,
    exp: expires,
    jti,
    ...(sym !== undefined && { sym: sym }),
    maxStreams: maxStreams as number,
  };
}
