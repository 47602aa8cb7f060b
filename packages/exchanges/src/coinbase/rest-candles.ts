/**
 * `GET /products/<product id>/candles` for backfill (exchanges.md section 8).
 * Docs: https://docs.cdp.coinbase.com/api-reference/exchange-api/rest-api/products/get-product-candles
 *
 *   [[1591514160,0.02507,0.02507,0.02507,0.02507,0.02816506], ...]
 *
 * Each row is `[time, low, high, open, close, volume]`: the bucket start in UNIX seconds, then
 * JSON numbers (read from their source text, so no digit is lost), newest first; a bucket without
 * trades has no row. Granularities are 60, 300, 900, 3600, 21600 and 86400 seconds only, and a
 * range of more than 300 buckets is refused (HTTP 400), not cut. Tickwire's 4h has no Coinbase
 * granularity: it is folded from 1h, which is exact (`resampleCandles`).
 */
import { CANDLE_INTERVAL_MS, type Candle, type CandleInterval } from '@tickwire/core';
import { candleFetchPlan, readCandleBody } from '../candle-fetch-plan';
import { decimalOfJsonValue, wholeNumberOfJsonValue } from '../lossless-json';
import { PayloadError, field, has, isJsonObject, preview } from '../payload-fields';
import { CoinbaseErrorCode, CoinbaseRestError } from './errors';

const ENDPOINT = '/products/<id>/candles';
const MS_PER_SECOND = 1_000;

/** The only granularities Coinbase accepts (seconds): "or your request is rejected". */
export const COINBASE_CANDLE_GRANULARITIES_SECONDS: readonly number[] = Object.freeze([
  60, 300, 900, 3_600, 21_600, 86_400,
]);

/** Buckets one request may span; a longer range is refused, not cut. */
export const COINBASE_MAX_CANDLES_PER_REQUEST = 300;

const plan = (interval: CandleInterval) =>
  candleFetchPlan(
    interval,
    COINBASE_CANDLE_GRANULARITIES_SECONDS.map((seconds) => seconds * MS_PER_SECOND),
    COINBASE_MAX_CANDLES_PER_REQUEST,
  );

/** The granularity an interval is fetched at (seconds): its own, else the longest that divides it (4h: 1h). */
export function coinbaseGranularitySeconds(interval: CandleInterval): number {
  return CANDLE_INTERVAL_MS[plan(interval).fetched] / MS_PER_SECOND;
}

/** Candles of `interval` one request returns: 300, or fewer when they are folded from a finer granularity. */
export function coinbaseCandlesPerRequest(interval: CandleInterval): number {
  return plan(interval).perRequest;
}

function readRow(row: unknown, index: number, symbol: string, interval: CandleInterval): Candle {
  const context = `candle ${index}`;
  if (!Array.isArray(row) || row.length < 6)
    throw new PayloadError(
      `${context}: expected [time, low, high, open, close, volume], got ${preview(row)}`,
    );
  const seconds = wholeNumberOfJsonValue(row[0]);
  const lengthMs = CANDLE_INTERVAL_MS[interval];
  if (seconds === undefined || (seconds * MS_PER_SECOND) % lengthMs !== 0)
    throw new PayloadError(
      `${context}[0]: expected a bucket start aligned to ${interval}, got ${preview(row[0])}`,
    );
  const decimal = (position: number): string => {
    const value = decimalOfJsonValue(row[position]);
    if (value === undefined)
      throw new PayloadError(`${context}[${position}]: expected a number, got ${preview(row[position])}`);
    return value;
  };
  const openTime = seconds * MS_PER_SECOND;
  return {
    symbol,
    interval,
    openTime,
    closeTime: openTime + lengthMs - 1,
    open: decimal(3),
    high: decimal(2),
    low: decimal(1),
    close: decimal(4),
    volume: decimal(5),
    // Coinbase gives no trade count.
    ticks: 0,
  };
}

function readRows(symbol: string, fetched: CandleInterval, body: unknown): Candle[] {
  if (isJsonObject(body) && has(body, 'message')) {
    const text = field(body, 'message');
    const coinbaseMessage = typeof text === 'string' ? text : preview(text);
    throw new CoinbaseRestError(
      CoinbaseErrorCode.ApiError,
      `Coinbase refused the candles of ${symbol}: ${JSON.stringify(coinbaseMessage)}`,
      symbol,
      coinbaseMessage,
    );
  }
  if (!Array.isArray(body)) throw new PayloadError(`expected an array, got ${preview(body)}`);
  return body.map((row: unknown, index) => readRow(row, index, symbol, fetched));
}

/**
 * The candles of `symbol` (canonical) and `interval` in a candles answer's body text, oldest
 * first (4h folded from the 1h rows). Throws {@link CoinbaseRestError}: `COINBASE_API_ERROR` for
 * Coinbase's `{"message":...}`, `COINBASE_MALFORMED_REST_BODY` for anything else unexpected.
 */
export function parseCoinbaseCandlesText(
  symbol: string,
  interval: CandleInterval,
  bodyText: string,
): Candle[] {
  const { fetched } = plan(interval);
  return readCandleBody(
    bodyText,
    interval,
    fetched,
    (body) => readRows(symbol, fetched, body),
    (reason) =>
      new CoinbaseRestError(
        CoinbaseErrorCode.MalformedRestBody,
        `malformed ${ENDPOINT} response for ${symbol}: ${reason}; check that the REST base URL points at Coinbase Exchange`,
        symbol,
      ),
  );
}
