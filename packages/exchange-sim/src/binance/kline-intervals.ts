/**
 * Binance kline intervals and their candle boundaries. Candles align to UTC: minutes to hours to
 * days from the epoch, weeks to Monday 00:00, months to the calendar month (`1M`; case matters:
 * `1m` is a minute).
 */

export const KLINE_INTERVALS = [
  '1s',
  '1m',
  '3m',
  '5m',
  '15m',
  '30m',
  '1h',
  '2h',
  '4h',
  '6h',
  '8h',
  '12h',
  '1d',
  '3d',
  '1w',
  '1M',
] as const;

export type KlineInterval = (typeof KLINE_INTERVALS)[number];

const SECOND_MS = 1_000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const WEEK_MS = 7 * DAY_MS;
/** 1970-01-01 was a Thursday; weekly candles open on Mondays, 4 days later. */
const WEEK_ALIGNMENT_OFFSET_MS = 4 * DAY_MS;

const FIXED_INTERVAL_MS: Readonly<Record<Exclude<KlineInterval, '1M'>, number>> = {
  '1s': SECOND_MS,
  '1m': MINUTE_MS,
  '3m': 3 * MINUTE_MS,
  '5m': 5 * MINUTE_MS,
  '15m': 15 * MINUTE_MS,
  '30m': 30 * MINUTE_MS,
  '1h': HOUR_MS,
  '2h': 2 * HOUR_MS,
  '4h': 4 * HOUR_MS,
  '6h': 6 * HOUR_MS,
  '8h': 8 * HOUR_MS,
  '12h': 12 * HOUR_MS,
  '1d': DAY_MS,
  '3d': 3 * DAY_MS,
  '1w': WEEK_MS,
};

const INTERVAL_SET: ReadonlySet<string> = new Set(KLINE_INTERVALS);

export function isKlineInterval(value: string): value is KlineInterval {
  return INTERVAL_SET.has(value);
}

/** Open time and close time (`t` and `T` = next open - 1) of the candle containing `time`. */
export function candleBounds(interval: KlineInterval, time: number): { openTime: number; closeTime: number } {
  if (interval === '1M') {
    const date = new Date(time);
    const openTime = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
    const nextOpen = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
    return { openTime, closeTime: nextOpen - 1 };
  }
  const length = FIXED_INTERVAL_MS[interval];
  const offset = interval === '1w' ? WEEK_ALIGNMENT_OFFSET_MS : 0;
  const openTime = Math.floor((time - offset) / length) * length + offset;
  return { openTime, closeTime: openTime + length - 1 };
}
