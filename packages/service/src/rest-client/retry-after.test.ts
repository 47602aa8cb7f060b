import { httpRefusal, retryAfterMs } from './retry-after';

describe('Retry-After', () => {
  it('reads delay-seconds and HTTP-dates', () => {
    const now = Date.parse('2026-12-01T10:00:00Z');
    expect(retryAfterMs({ 'retry-after': '2' }, now)).toBe(2_000);
    expect(retryAfterMs({ 'retry-after': '0.5' }, now)).toBe(500);
    expect(retryAfterMs({ 'retry-after': 'Tue, 01 Dec 2026 10:00:30 GMT' }, now)).toBe(30_000);
    expect(retryAfterMs({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(retryAfterMs({}, now)).toBeUndefined();
  });

  it('holds a 429 for Retry-After or the default, a 503 only when it says how long, and nothing else', () => {
    expect(httpRefusal(429, { 'retry-after': '3' }, 0, 60_000)).toEqual({ waitMs: 3_000, ban: false });
    expect(httpRefusal(429, {}, 0, 60_000)).toEqual({ waitMs: 60_000, ban: false });
    expect(httpRefusal(503, { 'retry-after': '1' }, 0, 60_000)).toEqual({ waitMs: 1_000, ban: false });
    expect(httpRefusal(503, {}, 0, 60_000)).toBeUndefined();
    expect(httpRefusal(418, { 'retry-after': '1' }, 0, 60_000)).toBeUndefined();
  });
});
