/**
 * Finnhub's candles for backfill: `GET /api/v1/<stock|crypto|forex>/candle?symbol=&resolution=&from=&to=`
 * (exchanges.md 6.6; the three share parameters and answer). Premium: a plan without them is
 * answered HTTP 403 `{"error":"You don't have access to this resource."}` (401 was seen too),
 * which {@link finnhubCandleRefusal} recognises, so the relay can say so instead of retrying.
 * Docs: https://finnhub.io/docs/api/forex-candles, https://finnhub.io/docs/api/stock-candles
 *
 *   {"c":[1.10713,1.10288],"h":[...],"l":[...],"o":[...],"s":"ok","t":[1568667600,1568754000],"v":[75789,75883]}
 *
 * `t` is the candle start in UNIX seconds; the rest are JSON numbers, read from their source
 * text. `s` is `ok` or `no_data` (then the arrays are null). Resolutions are 1, 5, 15, 30, 60,
 * D, W and M; the daily candle of forex starts at 21:00 UTC (the doc's own example), not at
 * Tickwire's UTC midnight, so 4h and 1d are folded from 60, exactly (`resampleCandles`). A candle
 * not aligned to its resolution makes the answer malformed: folding it would be wrong.
 */
import { CANDLE_INTERVAL_MS, type Candle, type CandleInterval } from '@tickwire/core';
import { candleFetchPlan, readCandleBody } from '../candle-fetch-plan';
import { decimalOfJsonValue, wholeNumberOfJsonValue } from '../lossless-json';
import { PayloadError, field, isJsonObject, preview, type JsonObject } from '../payload-fields';
import { FinnhubErrorCode, FinnhubRestError } from './errors';
import { finnhubErrorMessage } from './error-body';
import type { FinnhubMarket } from './urls';

const MS_PER_SECOND = 1_000;
const MINUTE_MS = 60_000;

/** Finnhub's forex brokers (the doc's `/forex/exchange` example): their symbols are forex. */
export const FINNHUB_FOREX_BROKERS: readonly string[] = Object.freeze([
  'oanda',
  'fxcm',
  'forex.com',
  'ic markets',
  'fxpro',
]);

/**
 * "The following FX brokers do not support streaming: FXCM, Forex.com, FHFX." (websocket-trades
 * docs): their symbols would never tick on the socket, so the relay does not list them.
 */
export const FINNHUB_NON_STREAMING_FOREX_BROKERS: readonly string[] = Object.freeze([
  'fxcm',
  'forex.com',
  'fhfx',
]);

/** The forex brokers whose symbols stream on Finnhub's socket (OANDA's are the docs' own examples). */
export const FINNHUB_STREAMING_FOREX_BROKERS: readonly string[] = Object.freeze(
  FINNHUB_FOREX_BROKERS.filter((broker) => !FINNHUB_NON_STREAMING_FOREX_BROKERS.includes(broker)),
);

/** Minute resolutions Finnhub serves that are also Tickwire intervals (D does not align to UTC days). */
const RESOLUTION_MINUTES: readonly number[] = [1, 5, 15, 60];

/**
 * Candles one request asks for. Finnhub documents no maximum: Tickwire's ceiling, small enough
 * for any plan's answer size.
 */
export const FINNHUB_MAX_CANDLES_PER_REQUEST = 500;

/** The entitlement refusal's text, as Finnhub writes it. */
export const FINNHUB_NO_ACCESS_MESSAGE = "You don't have access to this resource.";
const HTTP_UNAUTHORIZED = 401;
const HTTP_FORBIDDEN = 403;

const plan = (interval: CandleInterval) =>
  candleFetchPlan(
    interval,
    RESOLUTION_MINUTES.map((minutes) => minutes * MINUTE_MS),
    FINNHUB_MAX_CANDLES_PER_REQUEST,
  );

/** The resolution an interval is fetched at (minutes): its own, else the longest that divides it. */
export function finnhubResolutionMinutes(interval: CandleInterval): number {
  return CANDLE_INTERVAL_MS[plan(interval).fetched] / MINUTE_MS;
}

/** Candles of `interval` one request returns: 500, or fewer when they are folded from 60. */
export function finnhubCandlesPerRequest(interval: CandleInterval): number {
  return plan(interval).perRequest;
}

/**
 * Which candle endpoint serves a Finnhub symbol: stocks have no venue (`AAPL`); a venue that is a
 * forex broker (`OANDA:EUR_USD`) is forex; any other venue (`BINANCE:BTCUSDT`) is crypto.
 */
export function finnhubCandleMarket(finnhubSymbol: string, forexBrokers: ReadonlySet<string>): FinnhubMarket {
  const colon = finnhubSymbol.indexOf(':');
  if (colon === -1) return 'stock';
  return forexBrokers.has(finnhubSymbol.slice(0, colon).toLowerCase()) ? 'forex' : 'crypto';
}

function column(body: JsonObject, key: string, length: number | undefined): unknown[] {
  const values = field(body, key);
  if (!Array.isArray(values) || (length !== undefined && values.length !== length))
    throw new PayloadError(
      `"${key}": expected an array of ${length ?? 'candle'} values, got ${preview(values)}`,
    );
  return values;
}

function readColumns(symbol: string, fetched: CandleInterval, body: unknown): Candle[] {
  if (!isJsonObject(body)) throw new PayloadError(`expected a JSON object, got ${preview(body)}`);
  const finnhubMessage = finnhubErrorMessage(body);
  if (finnhubMessage !== undefined) {
    throw new FinnhubRestError(
      FinnhubErrorCode.ApiError,
      `Finnhub refused the candles of ${symbol}: ${JSON.stringify(finnhubMessage)}`,
      symbol,
      finnhubMessage,
    );
  }
  const status = field(body, 's');
  if (status === 'no_data') return [];
  if (status !== 'ok') throw new PayloadError(`"s": expected "ok" or "no_data", got ${preview(status)}`);
  const lengthMs = CANDLE_INTERVAL_MS[fetched];
  const times = column(body, 't', undefined);
  const [opens, highs, lows, closes, volumes] = ['o', 'h', 'l', 'c', 'v'].map((key) =>
    column(body, key, times.length),
  ) as [unknown[], unknown[], unknown[], unknown[], unknown[]];
  return times.map((time, index): Candle => {
    const seconds = wholeNumberOfJsonValue(time);
    if (seconds === undefined || (seconds * MS_PER_SECOND) % lengthMs !== 0)
      throw new PayloadError(
        `"t"[${index}]: expected a candle start aligned to ${fetched}, got ${preview(time)}`,
      );
    const decimal = (values: unknown[], key: string): string => {
      const value = decimalOfJsonValue(values[index]);
      if (value === undefined)
        throw new PayloadError(`"${key}"[${index}]: expected a number, got ${preview(values[index])}`);
      return value;
    };
    const openTime = seconds * MS_PER_SECOND;
    return {
      symbol,
      interval: fetched,
      openTime,
      closeTime: openTime + lengthMs - 1,
      open: decimal(opens, 'o'),
      high: decimal(highs, 'h'),
      low: decimal(lows, 'l'),
      close: decimal(closes, 'c'),
      volume: decimal(volumes, 'v'),
      // Finnhub gives no trade count.
      ticks: 0,
    };
  });
}

/**
 * The candles of `symbol` (canonical) and `interval` in a candle answer's body text, oldest
 * first (4h and 1d folded from 60). Throws {@link FinnhubRestError}: `FINNHUB_API_ERROR` for
 * Finnhub's `{"error":...}`, `FINNHUB_MALFORMED_REST_BODY` for anything else unexpected.
 */
export function parseFinnhubCandlesText(
  symbol: string,
  interval: CandleInterval,
  bodyText: string,
): Candle[] {
  const { fetched } = plan(interval);
  return readCandleBody(
    bodyText,
    interval,
    fetched,
    (body) => readColumns(symbol, fetched, body),
    (reason) =>
      new FinnhubRestError(
        FinnhubErrorCode.MalformedRestBody,
        `malformed candle response for ${symbol}: ${reason}; check that the REST base URL points at Finnhub`,
        symbol,
      ),
  );
}

/**
 * Finnhub's words when an error answer means the plan has no candles: any 403, and a 401 that
 * says "You don't have access to this resource." (a 401 for a bad key is not one). Undefined
 * otherwise.
 */
export function finnhubCandleRefusal(status: number, bodyText: string): string | undefined {
  if (status !== HTTP_FORBIDDEN && status !== HTTP_UNAUTHORIZED) return undefined;
  let message: string | undefined;
  try {
    const body: unknown = JSON.parse(bodyText);
    message = isJsonObject(body) ? finnhubErrorMessage(body) : undefined;
  } catch {
    // Not Finnhub's JSON error body (a proxy's page): the status alone decides.
  }
  if (status === HTTP_UNAUTHORIZED) return message === FINNHUB_NO_ACCESS_MESSAGE ? message : undefined;
  return message ?? `HTTP ${status}`;
}
