import { generateApiKey, hashApiKey, looksLikeApiKey, sameHash } from './api-key-secret';
import { parseDuration } from './duration';
import { parseNewKey } from './new-key';

const NOW = Date.parse('2026-12-06T00:00:00Z');
const OWNER = '6f9f3c0e-8a51-4c1e-9a43-2b1f1f0a7d11';

describe('a new key', () => {
  it('takes a name, a scope, the owner of a bot key and an expiry as a time or a duration', () => {
    expect(parseNewKey({ name: ' ops ', scope: 'admin' }, NOW)).toEqual({
      ok: true,
      key: { name: 'ops', scope: 'admin' },
    });
    expect(parseNewKey({ name: 'b', scope: 'bot', ownerId: OWNER, expiresIn: '30d' }, NOW)).toEqual({
      ok: true,
      key: { name: 'b', scope: 'bot', ownerId: OWNER, expiresAt: NOW + 30 * 86_400_000 },
    });
    expect(parseNewKey({ name: 's', scope: 'read', maxStreams: 50 }, NOW)).toEqual({
      ok: true,
      key: { name: 's', scope: 'read', maxStreams: 50 },
    });
    expect(parseNewKey({ name: 'r', scope: 'read', expiresAt: '2027-01-01T00:00:00Z' }, NOW)).toMatchObject({
      ok: true,
      key: { expiresAt: Date.parse('2027-01-01T00:00:00Z') },
    });
  });

  it('names every field at fault', () => {
    const fields = (input: unknown) => {
      const parsed = parseNewKey(input, NOW);
      return parsed.ok ? [] : parsed.problems.map((problem) => problem.field);
    };
    expect(fields({ scope: 'root', extra: 1 })).toEqual(['name', 'scope', 'extra']);
    expect(fields({ name: 'b', scope: 'bot' })).toEqual(['ownerId']);
    expect(fields({ name: 'r', scope: 'read', ownerId: OWNER })).toEqual(['ownerId']);
    expect(fields({ name: 'r', scope: 'read', expiresIn: '5 days' })).toEqual(['expiresIn']);
    expect(fields({ name: 'r', scope: 'read', expiresAt: '2020-01-01T00:00:00Z' })).toEqual(['expiresAt']);
    expect(fields({ name: 'r', scope: 'read', expiresAt: '2027-01-01T00:00:00Z', expiresIn: '1d' })).toEqual([
      'expiresIn',
    ]);
    expect(fields({ name: 'r', scope: 'read', expiresIn: '9999d' })).toEqual(['expiresIn']);
    expect(fields({ name: '<script>', scope: 'read' })).toEqual(['name']);
    for (const maxStreams of [0, 1.5, '5', 100_001])
      expect(fields({ name: 'r', scope: 'read', maxStreams })).toEqual(['maxStreams']);
  });
});

describe('the key itself', () => {
  it('is tw_<12 hex>_<32 random bytes>, different every time, and found by its SHA-256', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a.key).toMatch(/^tw_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a.key.slice(16), 'base64url')).toHaveLength(32);
    expect(a.key).not.toBe(b.key);
    expect(a.key.startsWith(`tw_${a.id}_`)).toBe(true);
    expect(a.hash).toBe(hashApiKey(a.key));
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(looksLikeApiKey(a.key)).toBe(true);
    expect(looksLikeApiKey(`${a.key}x`)).toBe(false);
    expect(looksLikeApiKey('Bearer')).toBe(false);
    expect(sameHash(a.hash, hashApiKey(a.key))).toBe(true);
    expect(sameHash(a.hash, b.hash)).toBe(false);
  });

  it('reads lifetimes in s, m, h and d', () => {
    expect([parseDuration('90m'), parseDuration('12h'), parseDuration('3600s'), parseDuration('0d')]).toEqual(
      [5_400_000, 43_200_000, 3_600_000, undefined],
    );
  });
});
