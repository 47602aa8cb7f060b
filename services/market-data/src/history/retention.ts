/**
 * How long the history database keeps candles of each interval: `HISTORY_RETENTION`, a comma
 * list of `<interval>:<age>` where age is a number with `h`, `d`, `w` or `y` (365 days), or
 * `forever`. Intervals not listed keep their default.
 */
import { CANDLE_INTERVALS, isCandleInterval, type CandleInterval } from '@tickwire/core';

/** Per interval: the age in ms after which a candle is deleted; null keeps it forever. */
export type HistoryRetention = Record<CandleInterval, number | null>;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const UNIT_MS: Record<string, number> = { h: HOUR_MS, d: DAY_MS, w: 7 * DAY_MS, y: 365 * DAY_MS };

/** A month of minutes, a quarter of 5m, half a year of 15m, 2 years of 1h, 5 of 4h, days forever. */
export const DEFAULT_HISTORY_RETENTION_SPEC = '1m:30d,5m:90d,15m:180d,1h:2y,4h:5y,1d:forever';

export type RetentionParse = { retention: HistoryRetention } | { problems: string[] };

export function parseHistoryRetention(spec: string): RetentionParse {
  const retention = Object.fromEntries(
    CANDLE_INTERVALS.map((interval) => [interval, null]),
  ) as HistoryRetention;
  const problems: string[] = [];
  for (const part of [DEFAULT_HISTORY_RETENTION_SPEC, spec].join(',').split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const match = /^(\w+):(?:(forever)|(\d{1,6})([hdwy]))$/.exec(item);
    const interval = match?.[1];
    if (!match || interval === undefined || !isCandleInterval(interval)) {
      problems.push(
        `"${item.slice(0, 40)}" is not <interval>:<age> (intervals ${CANDLE_INTERVALS.join(', ')}; ages like 30d, 2y or forever)`,
      );
      continue;
    }
    const amount = Number(match[3]);
    if (match[2] === undefined && amount === 0) {
      problems.push(`"${item}": an age must be above 0 (or forever)`);
      continue;
    }
    retention[interval] = match[2] === undefined ? amount * UNIT_MS[match[4]!]! : null;
  }
  return problems.length > 0 ? { problems } : { retention };
}
