/**
 * `Retry-After` (RFC 9110 section 10.2.3): delay-seconds or an HTTP-date. Venues that say
 * more (Binance's ban, Finnhub's `X-RateLimit-Reset`) read their own headers in their adapter.
 */
import { parseRetryAfter } from '@tickwire/core';
import type { RestHeaders, RestRefusal } from './rest-venue';

const HTTP_TOO_MANY_REQUESTS = 429;
const HTTP_SERVICE_UNAVAILABLE = 503;

/** The wait `Retry-After` asks for (ms), or undefined when absent or unreadable. */
export function retryAfterMs(headers: RestHeaders, nowMs: number): number | undefined {
  return parseRetryAfter(headers['retry-after'], nowMs);
}

/**
 * The refusal every venue shares unless its own rules say otherwise: a 429 holds for
 * `Retry-After` (`defaultWaitMs` without one), a 503 only when it carries `Retry-After`.
 */
export function httpRefusal(
  status: number,
  headers: RestHeaders,
  nowMs: number,
  defaultWaitMs: number,
): RestRefusal | undefined {
  const waitMs = retryAfterMs(headers, nowMs);
  if (status === HTTP_TOO_MANY_REQUESTS) return { waitMs: waitMs ?? defaultWaitMs, ban: false };
  if (status === HTTP_SERVICE_UNAVAILABLE && waitMs !== undefined) return { waitMs, ban: false };
  return undefined;
}
