import { rateLimitHeaders } from './rate-limit-headers';

const policy = { name: 'key', limit: 100, windowMs: 60_000 };

describe('rateLimitHeaders', () => {
  it('writes the policy and the current state as structured fields', () => {
    expect(rateLimitHeaders({ policy, remaining: 42, resetMs: 12_300, limited: false })).toEqual({
      'RateLimit-Policy': '"key";q=100;w=60',
      RateLimit: '"key";r=42;t=13',
    });
  });

  it('adds Retry-After, at least 1 s, to a refused request', () => {
    expect(rateLimitHeaders({ policy, remaining: 0, resetMs: 200, limited: true })).toEqual({
      'RateLimit-Policy': '"key";q=100;w=60',
      RateLimit: '"key";r=0;t=1',
      'Retry-After': '1',
    });
  });
});
