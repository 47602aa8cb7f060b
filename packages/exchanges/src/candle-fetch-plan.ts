/**
 * Candles of an interval an exchange does not have (Coinbase has no 4h; Finnhub has no 4h, and
 * its daily forex candles start at 21:00 UTC): fetched at the longest of the exchange's own
 * candle lengths that is a Tickwire interval and divides the wanted one, then folded, exactly
 * (`resampleCandles`). A request of the exchange's page size then yields fewer wanted candles.
 */
import {
  CANDLE_INTERVALS,
  CANDLE_INTERVAL_MS,
  resampleCandles,
  type Candle,
  type CandleInterval,
} from '@tickwire/core';
import { parseJsonKeepingNumbers } from './lossless-json';
import { PayloadError } from './payload-fields';

export interface CandleFetchPlan {
  /** The interval of the candles the exchange is asked for. */
  fetched: CandleInterval;
  /** Candles of the wanted interval one request of `pageSize` exchange candles yields. */
  perRequest: number;
}

/** How to fetch `interval` from an exchange whose candle lengths (ms) are `exchangeLengthsMs`. */
export function candleFetchPlan(
  interval: CandleInterval,
  exchangeLengthsMs: readonly number[],
  pageSize: number,
): CandleFetchPlan {
  const lengthMs = CANDLE_INTERVAL_MS[interval];
  const usable = CANDLE_INTERVALS.filter(
    (candidate) =>
      exchangeLengthsMs.includes(CANDLE_INTERVAL_MS[candidate]) &&
      lengthMs % CANDLE_INTERVAL_MS[candidate] === 0,
  );
  const fetched = usable.at(-1);
  if (fetched === undefined) throw new TypeError(`no exchange candle length divides ${interval}`);
  return {
    fetched,
    perRequest: Math.max(1, Math.floor((pageSize * CANDLE_INTERVAL_MS[fetched]) / lengthMs)),
  };
}

/**
 * The candles of a candle answer's body text (decoded keeping every number's text) as candles
 * of `interval`, oldest first: `read` returns the exchange's candles of `fetched`, in any order,
 * and throws PayloadError where the body is not as documented; that, invalid JSON and a fold
 * that cannot be exact (two candles at one time) become `malformed(reason)`.
 */
export function readCandleBody(
  bodyText: string,
  interval: CandleInterval,
  fetched: CandleInterval,
  read: (body: unknown) => Candle[],
  malformed: (reason: string) => Error,
): Candle[] {
  try {
    const candles = read(parseJsonKeepingNumbers(bodyText)).sort((a, b) => a.openTime - b.openTime);
    return fetched === interval ? candles : resampleCandles(candles, interval);
  } catch (error) {
    if (error instanceof PayloadError || error instanceof SyntaxError || error instanceof TypeError)
      throw malformed(error.message);
    throw error;
  }
}
