/**
 * `GET /api/v3/klines` answers to candles, for backfill (exchanges.md section 7): an array of
 * 12-element arrays, prices and volumes as strings (kept exactly), times and the trade count as
 * numbers. Docs: https://developers.binance.com/docs/binance-spot-api-docs/rest-api/market-data-endpoints#klinecandlestick-data
 */
import { isDecimalString, type Candle, type CandleInterval } from '@tickwire/core';
import { BinanceErrorCode, BinanceRestError } from './errors';
import { readRestBody } from './rest-body';
import { PayloadError, preview } from './payload-fields';

const ENDPOINT = '/api/v3/klines';

/** Weight of one klines request, whatever its limit (raised from 1 to 2 on 2023-08-25). */
export const BINANCE_KLINES_WEIGHT = 2;
/** Most klines one request returns. */
export const BINANCE_KLINES_MAX_LIMIT = 1_000;

function time(row: unknown[], index: number, context: string): number {
  const value = row[index];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw new PayloadError(`${context}[${index}]: expected a time, got ${preview(value)}`);
  return value;
}

function decimal(row: unknown[], index: number, context: string): string {
  const value = row[index];
  if (!isDecimalString(value))
    throw new PayloadError(`${context}[${index}]: expected a decimal string, got ${preview(value)}`);
  return value;
}

/** Parses a decoded klines body into candles of `symbol`, oldest first. */
export function parseKlines(body: unknown, symbol: string, interval: CandleInterval): Candle[] {
  return readRestBody(body, ENDPOINT, () => {
    if (!Array.isArray(body)) throw new PayloadError(`expected an array, got ${preview(body)}`);
    const candles = body.map((row: unknown, index): Candle => {
      const context = `kline ${index}`;
      if (!Array.isArray(row) || row.length < 9)
        throw new PayloadError(`${context}: expected an array of 12, got ${preview(row)}`);
      return {
        symbol,
        interval,
        openTime: time(row, 0, context),
        closeTime: time(row, 6, context),
        open: decimal(row, 1, context),
        high: decimal(row, 2, context),
        low: decimal(row, 3, context),
        close: decimal(row, 4, context),
        volume: decimal(row, 5, context),
        ticks: time(row, 8, context),
      };
    });
    return candles.sort((a, b) => a.openTime - b.openTime);
  });
}

/** {@link parseKlines} of the raw body text. */
export function parseKlinesText(bodyText: string, symbol: string, interval: CandleInterval): Candle[] {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch (error) {
    throw new BinanceRestError(
      BinanceErrorCode.MalformedRestBody,
      `malformed ${ENDPOINT} response: invalid JSON (${error instanceof Error ? error.message : String(error)}); ` +
        'check that the REST base URL points at Binance Spot',
    );
  }
  return parseKlines(body, symbol, interval);
}
