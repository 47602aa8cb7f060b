/**
 * When to call the Finnhub REST API again after HTTP 429.
 * Docs: https://finnhub.io/docs/api/rate-limit
 *
 * Finnhub documents no `Retry-After`; responses were seen to carry `X-RateLimit-Limit: 60` and an
 * `X-RateLimit-Reset` for a 60 s window. The free budget is per minute, so without a usable header
 * we wait for the next minute boundary.
 */
import type { RestResponseHeaders } from '../exchange-adapter';
import { FINNHUB_REST_MINUTE_MS } from './limits';

/** The status Finnhub answers once a budget is spent. */
export const FINNHUB_RATE_LIMITED_STATUS = 429;

const MS_PER_SECOND = 1_000;
/** Reset values above this are epoch seconds (year 2001+), below it seconds from now. */
const EPOCH_SECONDS_THRESHOLD = 1_000_000_000;

function header(headers: RestResponseHeaders, name: string): string | undefined {
  const value = headers[name] ?? headers[name.toLowerCase()];
  const first = typeof value === 'string' ? value : value?.[0];
  return first?.trim();
}

/** A non-negative number of seconds, or undefined. */
function seconds(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+(?:\.\d+)?$/u.test(text)) return undefined;
  return Number(text);
}

/**
 * Milliseconds to wait after a refused quote request; undefined when `status` is not a rate
 * limit (the caller's own backoff applies). Honours `Retry-After` (seconds) if Finnhub ever sends
 * it, then `X-RateLimit-Reset` (epoch seconds, or seconds from now), else waits for the next
 * minute boundary. Never more than one minute: the budget window is one minute long.
 */
export function finnhubRetryDelayMs(
  status: number,
  headers: RestResponseHeaders,
  nowMs: number,
): number | undefined {
  if (status !== FINNHUB_RATE_LIMITED_STATUS) return undefined;
  const nextMinuteMs = FINNHUB_REST_MINUTE_MS - (nowMs % FINNHUB_REST_MINUTE_MS);
  const retryAfter = seconds(header(headers, 'retry-after'));
  const reset = seconds(header(headers, 'x-ratelimit-reset'));
  let delayMs: number;
  if (retryAfter !== undefined) delayMs = retryAfter * MS_PER_SECOND;
  else if (reset !== undefined && reset >= EPOCH_SECONDS_THRESHOLD) delayMs = reset * MS_PER_SECOND - nowMs;
  else if (reset !== undefined) delayMs = reset * MS_PER_SECOND;
  else delayMs = nextMinuteMs;
  return Math.min(Math.max(0, Math.ceil(delayMs)), FINNHUB_REST_MINUTE_MS);
}
