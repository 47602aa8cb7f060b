import { createHmac } from 'node:crypto';
import {
  MAX_STREAM_TOKEN_LIFETIME_MS,
  signStreamToken,
  verifyStreamToken,
  type NewStreamToken,
} from './stream-token';

const SECRET = 'a-secret-of-at-least-thirty-two-bytes!!';
const NOW = Date.parse('2026-12-06T10:00:00Z');
const NEW: NewStreamToken = {
  sub: '3fa2c1d09e4b',
  scope: 'read',
  maxStreams: 5,
  now: NOW,
  lifetimeMs: 600_000,
};

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const hs256 = (input: string, secret = SECRET) =>
  createHmac('sha256', secret).update(input).digest('base64url');
/** A token signed with SECRET over any header and claims (what an attacker holding the secret could not make). */
const forge = (header: unknown, claims: unknown) => {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${hs256(input)}`;
};
const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

describe('a stream token', () => {
  it('is a compact HS256 JWS whose claims name the key, scope, lifetime, quota and symbols, and verifies', () => {
    const { token, expiresAt } = signStreamToken({ ...NEW, sym: ['BTCUSDT'] }, SECRET);
    const [header, , signature] = token.split('.');
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(Buffer.from(signature!, 'base64url')).toHaveLength(32);
    expect(expiresAt).toBe(NOW + 600_000);
    const verified = verifyStreamToken(token, SECRET, NOW + 1_000);
    expect(verified).toEqual({
      ok: true,
      claims: {
        sub: '3fa2c1d09e4b',
        scope: 'read',
        iat: NOW / 1_000,
        exp: NOW / 1_000 + 600,
        jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
        sym: ['BTCUSDT'],
        maxStreams: 5,
      },
    });
    expect(claimsOf(signStreamToken(NEW, SECRET).token).jti).not.toBe(claimsOf(token).jti);
  });

  it('is refused once expired, and with another secret', () => {
    const { token } = signStreamToken(NEW, SECRET);
    expect(verifyStreamToken(token, SECRET, NOW + 599_999).ok).toBe(true);
    expect(verifyStreamToken(token, SECRET, NOW + 600_000)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyStreamToken(token, `${SECRET}x`, NOW)).toEqual({ ok: false, reason: 'signature' });
  });

  it('is refused when any part was changed', () => {
    const { token } = signStreamToken(NEW, SECRET);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const widened = b64({ ...claimsOf(token), maxStreams: 1_000 });
    expect(verifyStreamToken(`${header}.${widened}.${signature}`, SECRET, NOW)).toEqual({
      ok: false,
      reason: 'signature',
    });
    const flipped = `${signature.slice(0, -2)}${signature.at(-2) === 'A' ? 'B' : 'A'}${signature.at(-1)}`;
    expect(verifyStreamToken(`${header}.${payload}.${flipped}`, SECRET, NOW).ok).toBe(false);
    expect(verifyStreamToken(`${header}.${payload}.${signature.slice(0, -4)}`, SECRET, NOW)).toEqual({
      ok: false,
      reason: 'signature',
    });
    const otherHeader = b64({ alg: 'HS256', typ: 'JWT', kid: 'x' });
    expect(verifyStreamToken(`${otherHeader}.${payload}.${signature}`, SECRET, NOW).ok).toBe(false);
  });

  it('must name HS256: alg none, other algorithms and critical extensions are refused before the signature', () => {
    const claims = claimsOf(signStreamToken(NEW, SECRET).token);
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
    expect(verifyStreamToken(unsigned, SECRET, NOW)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyStreamToken(`${unsigned}AAAA`, SECRET, NOW)).toEqual({ ok: false, reason: 'algorithm' });
    expect(verifyStreamToken(forge({ alg: 'none' }, claims), SECRET, NOW)).toEqual({
      ok: false,
      reason: 'algorithm',
    });
    for (const alg of ['HS512', 'RS256', 'hs256', undefined])
      expect(verifyStreamToken(forge({ alg, typ: 'JWT' }, claims), SECRET, NOW)).toEqual({
        ok: false,
        reason: 'algorithm',
      });
    expect(verifyStreamToken(forge({ alg: 'HS256', crit: ['exp'] }, claims), SECRET, NOW)).toEqual({
      ok: false,
      reason: 'algorithm',
    });
  });

  it('is refused when it is not a token at all', () => {
    for (const input of [
      '',
      'abc',
      'a.b',
      'a.b.c.d',
      'tw_3fa2c1d09e4b_x',
      'a..c',
      'a.b.c=',
      'é.b.c',
      'x'.repeat(5_000),
    ])
      expect(verifyStreamToken(input, SECRET, NOW)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyStreamToken(`${b64([1])}.${b64({})}.AAAA`, SECRET, NOW)).toEqual({
      ok: false,
      reason: 'malformed',
    });
    expect(verifyStreamToken(`bm90IGpzb24.${b64({})}.AAAA`, SECRET, NOW)).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });

  it('is refused when signed but its claims are wrong, missing, issued in the future or live too long', () => {
    const good = claimsOf(signStreamToken(NEW, SECRET).token);
    const iat = NOW / 1_000;
    const broken = [
      'not an object',
      { ...good, sub: '' },
      { ...good, scope: undefined },
      { ...good, jti: 1 },
      { ...good, exp: 'later' },
      { ...good, exp: iat },
      { ...good, exp: iat + MAX_STREAM_TOKEN_LIFETIME_MS / 1_000 + 1 },
      { ...good, iat: iat + 120, exp: iat + 600 },
      { ...good, maxStreams: 0 },
      { ...good, maxStreams: undefined },
      { ...good, sym: [] },
      { ...good, sym: 'BTCUSDT' },
      { ...good, sym: [1] },
    ];
    for (const claims of broken)
      expect([claims, verifyStreamToken(forge({ alg: 'HS256' }, claims), SECRET, NOW)]).toEqual([
        claims,
        { ok: false, reason: 'claims' },
      ]);
    expect(verifyStreamToken(forge({ alg: 'HS256' }, good), SECRET, NOW).ok).toBe(true);
  });

  it('cannot be signed for longer than the longest lifetime', () => {
    expect(() => signStreamToken({ ...NEW, lifetimeMs: MAX_STREAM_TOKEN_LIFETIME_MS + 1 }, SECRET)).toThrow(
      RangeError,
    );
  });
});
