/**
 * `Retry-After` (RFC 9110 section 10.2.3): delay-seconds or an HTTP-date. Venues that say
 * more (Binance's ban, Finnhub's `X-RateLimit-Reset`) read their own headers in their adapter.
 */
import type { RestHeaders, RestRefusal } from './rest-venue';

const MS_PER_SECOND = 1_000;
const HTTP_TOO_MANY_REQUESTS = 429;
const HTTP_SERVICE_UNAVAILABLE = 503;

/** The wait `Retry-After` asks for (ms), or undefined when absent or unreadable. */
export function retryAfterMs(headers: RestHeaders, nowMs: number): number | undefined {
  const text = headers['retry-after']?.trim();
  if (text === undefined || text === '') return undefined;
  if (/^\d+(?:\.\d+)?$/u.test(text)) return Math.ceil(Number(text) * MS_PER_SECOND);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
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
