import { MAX_BAN_MS, RestRateLimiter } from './rest-limits';

describe('REST weight limiter', () => {
  const options = { weightLimit: 10, windowMs: 60_000, banAfter429s: 2, banMs: 120_000 };

  it('answers 429 with the seconds left in the window, then bans after banAfter429s answers', () => {
    const limiter = new RestRateLimiter(options);
    const t = 1_000_040_000; // 20 s into a 60 s window
    expect(limiter.admit(10, t)).toEqual({ kind: 'ok', usedWeight: 10 });
    expect(limiter.admit(1, t)).toEqual({ kind: 'limited', usedWeight: 11, retryAfterSec: 40 });
    expect(limiter.admit(1, t + 500)).toMatchObject({ kind: 'limited', retryAfterSec: 40 });
    expect(limiter.admit(1, t + 1_000)).toMatchObject({
      kind: 'banned',
      retryAfterSec: 120,
      bannedUntil: t + 121_000,
    });
    expect(limiter.admit(1, t + 61_000)).toMatchObject({ kind: 'banned', retryAfterSec: 60 });
  });

  it('doubles repeat bans up to three days', () => {
    const limiter = new RestRateLimiter({ ...options, banAfter429s: 0, banMs: 2 * 86_400_000 });
    expect(limiter.admit(11, 0)).toMatchObject({ kind: 'banned', retryAfterSec: 172_800 });
    const later = 2 * 86_400_000 + 1;
    expect(limiter.admit(11, later)).toMatchObject({ kind: 'banned', retryAfterSec: MAX_BAN_MS / 1000 });
  });

  it('starts every window from zero and forgets everything on reset', () => {
    const limiter = new RestRateLimiter(options);
    limiter.admit(8, 59_000);
    expect(limiter.usedWeight(59_999)).toBe(8);
    expect(limiter.usedWeight(60_000)).toBe(0);
    limiter.admit(50, 60_000);
    limiter.reset();
    expect(limiter.admit(2, 60_001)).toEqual({ kind: 'ok', usedWeight: 2 });
  });
});
