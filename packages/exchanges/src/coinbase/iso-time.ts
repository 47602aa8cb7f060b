/**
 * Coinbase times: ISO-8601 UTC with microseconds, `2021-04-17T16:43:30.244075Z`.
 * Docs: https://docs.cdp.coinbase.com/exchange/websocket-feed/overview
 *
 * Parsed by hand rather than with `Date.parse`, whose handling of more than three fraction
 * digits and of out-of-range fields is implementation-defined.
 */

const ISO_UTC_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|\+00:00)$/u;

/** Milliseconds since the epoch, fraction truncated to the millisecond; undefined if not a valid UTC time. */
export function parseCoinbaseTime(text: string): number | undefined {
  const match = ISO_UTC_RE.exec(text);
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const millis = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3));
  const time = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const date = new Date(time);
  // Date.UTC rolls over (Feb 30 -> Mar 2); a field out of range is not a time.
  const valid =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  return valid && time >= 0 ? time : undefined;
}
