/**
 * `Retry-After` (RFC 9110 section 10.2.3): delay-seconds or an HTTP-date. Pure, so servers,
 * services and the browser SDK read it the same way.
 */

const MS_PER_SECOND = 1_000;

/** The wait a `Retry-After` value asks for (ms), or undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  const text = value?.trim();
  if (text === undefined || text === '') return undefined;
  if (/^\d+(?:\.\d+)?$/u.test(text)) return Math.ceil(Number(text) * MS_PER_SECOND);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
