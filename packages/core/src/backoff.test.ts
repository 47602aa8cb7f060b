import { FullJitterBackoff } from './backoff';

describe('FullJitterBackoff', () => {
  it('doubles the ceiling per failure and never exceeds the cap', () => {
    const backoff = new FullJitterBackoff({ baseMs: 100, maxMs: 1_000, random: () => 0.999999 });
    const delays = Array.from({ length: 8 }, () => backoff.next());
    expect(delays).toEqual([99, 199, 399, 799, 999, 999, 999, 999]);
  });

  it('spreads delays over the whole range from zero (full jitter)', () => {
    const backoff = new FullJitterBackoff({ baseMs: 1_000, maxMs: 1_000, random: () => 0 });
    expect(backoff.next()).toBe(0);
  });

  it('starts over after a reset', () => {
    const backoff = new FullJitterBackoff({ baseMs: 100, maxMs: 10_000, random: () => 0.5 });
    backoff.next();
    backoff.next();
    expect(backoff.failures).toBe(2);
    backoff.reset();
    expect(backoff.next()).toBe(50);
  });
});
