import { DEFAULT_COINBASE_SIM_OPTIONS } from './coinbase';
import { LazyTokenBucket } from './lazy-token-bucket';

describe('LazyTokenBucket', () => {
  it("lets Coinbase's burst of 15 through at once, then refills 10 a second, never beyond 15", () => {
    const { restRequestsPerSecond, restBurst } = DEFAULT_COINBASE_SIM_OPTIONS;
    expect([restRequestsPerSecond, restBurst]).toEqual([10, 15]);
    const bucket = new LazyTokenBucket(restRequestsPerSecond, restBurst);
    const taken = (count: number, now: number) =>
      Array.from({ length: count }, () => bucket.take(now)).filter(Boolean).length;
    expect(taken(16, 1_000)).toBe(15);
    expect(taken(5, 1_250)).toBe(2); // 2.5 tokens refilled
    expect(taken(1, 1_300)).toBe(1); // the half token and 0.5 more
    expect(taken(1, 1_300)).toBe(0);
    expect(taken(30, 60_000)).toBe(15); // a long pause refills to the burst, not more
    bucket.reset();
    expect(taken(16, 60_000)).toBe(15);
  });
});
