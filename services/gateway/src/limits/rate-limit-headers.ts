/**
 * The one place that writes rate-limit headers, so following the IETF draft as it changes is a
 * change here only. Written as in draft-ietf-httpapi-ratelimit-headers-10 (structured fields):
 * `RateLimit-Policy: "<name>";q=<quota>;w=<window s>` and `RateLimit: "<name>";r=<remaining>;t=<s
 * until reset>`; a refused request also gets `Retry-After` (RFC 9110), which every client knows.
 */
import type { RateState } from './rate-limiter';

export function rateLimitHeaders(state: RateState): Record<string, string> {
  const { policy } = state;
  const resetSeconds = Math.ceil(state.resetMs / 1_000);
  const headers: Record<string, string> = {
    'RateLimit-Policy': `"${policy.name}";q=${policy.limit};w=${Math.ceil(policy.windowMs / 1_000)}`,
    RateLimit: `"${policy.name}";r=${state.remaining};t=${resetSeconds}`,
  };
  if (state.limited) headers['Retry-After'] = String(Math.max(1, resetSeconds));
  return headers;
}
