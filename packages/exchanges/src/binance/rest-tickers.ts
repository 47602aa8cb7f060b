/**
 * `GET /api/v3/ticker/24hr` responses (FULL and MINI, one object or an array) to ticker updates,
 * for the REST fallback when the WebSocket is down. `GET /api/v3/ticker/price` bodies are
 * accepted too (last price only).
 * Docs: https://developers.binance.com/docs/binance-spot-api-docs/rest-api/market-data-endpoints#24hr-ticker-price-change-statistics
 */
import type { TickerUpdate } from '@tickwire/core';
import { readRestBody } from './rest-body';
import {
  PayloadError,
  has,
  isJsonObject,
  preview,
  readDecimal,
  readOptionalDecimal,
  readSymbol,
  readTime,
} from './payload-fields';
import type { JsonObject } from './payload-fields';
import { derivedChange, newUpdate } from './ticker-update';

const ENDPOINT = '/api/v3/ticker/24hr';

/**
 * One 24hr ticker. The event time is `closeTime`, the end of the rolling window. MINI tickers
 * have no change fields; they are derived from `lastPrice` and `openPrice` exactly as for the
 * WebSocket miniTicker, so clients see the same fields whichever source is live.
 */
function parseTicker24hrObject(item: JsonObject, receiveTime: number, context: string): TickerUpdate {
  const last = readDecimal(item, 'lastPrice', context);
  const open = readDecimal(item, 'openPrice', context);
  const change = readOptionalDecimal(item, 'priceChange', context);
  const changePct = readOptionalDecimal(item, 'priceChangePercent', context);
  const derived = change === undefined || changePct === undefined ? derivedChange(open, last) : undefined;
  return newUpdate(
    readSymbol(item, 'symbol', context),
    readTime(item, 'closeTime', context),
    receiveTime,
    'rest',
    {
      last,
      lastQty: readOptionalDecimal(item, 'lastQty', context),
      bid: readOptionalDecimal(item, 'bidPrice', context),
      bidQty: readOptionalDecimal(item, 'bidQty', context),
      ask: readOptionalDecimal(item, 'askPrice', context),
      askQty: readOptionalDecimal(item, 'askQty', context),
      open,
      high: readDecimal(item, 'highPrice', context),
      low: readDecimal(item, 'lowPrice', context),
      change: change ?? derived?.change,
      changePct: changePct ?? derived?.changePct,
      baseVolume: readDecimal(item, 'volume', context),
      quoteVolume: readDecimal(item, 'quoteVolume', context),
    },
  );
}

/** `/api/v3/ticker/price` carries no time, so the receive time stands in. */
function parsePriceObject(item: JsonObject, receiveTime: number, context: string): TickerUpdate {
  return newUpdate(readSymbol(item, 'symbol', context), receiveTime, receiveTime, 'rest', {
    last: readDecimal(item, 'price', context),
  });
}

function parseItem(item: unknown, receiveTime: number, context: string): TickerUpdate {
  if (!isJsonObject(item)) throw new PayloadError(`${context}: expected an object, got ${preview(item)}`);
  if (has(item, 'lastPrice')) return parseTicker24hrObject(item, receiveTime, context);
  if (has(item, 'price')) return parsePriceObject(item, receiveTime, context);
  throw new PayloadError(`${context}: field "lastPrice" must be a decimal string, got nothing`);
}

/**
 * Parses a decoded `/api/v3/ticker/24hr` body into updates with source `rest`.
 * Throws {@link BinanceRestError}: code `BINANCE_API_ERROR` for a Binance error body (with
 * `binanceCode`, e.g. -1121 for an unknown symbol), `BINANCE_MALFORMED_REST_BODY` otherwise.
 */
export function parseRestTickers(body: unknown, receiveTime: number): TickerUpdate[] {
  return readRestBody(body, ENDPOINT, () =>
    Array.isArray(body)
      ? body.map((item, index) => parseItem(item, receiveTime, `ticker ${index}`))
      : [parseItem(body, receiveTime, 'ticker')],
  );
}
