/**
 * `GET /products/<product id>/ticker` responses to ticker updates, for the REST fallback.
 * Docs: https://docs.cdp.coinbase.com/api-reference/exchange-api/rest-api/products/get-product-ticker
 *
 *   {"trade_id":86326522,"price":"6268.48","size":"0.00698254","time":"2020-03-20T00:22:57.833Z",
 *    "bid":"6265.15","ask":"6267.71","volume":"53602.03940154","rfq_volume":"123.122",
 *    "conversions_volume":"0.00"}   (the docs' example; the last two are not ticker fields)
 *
 * The body does not name its product: the caller says which one it asked for. Errors are
 * `{"message":"NotFound"}` (HTTP 404 for an unknown product). Coinbase recommends the WebSocket
 * over polling; public REST allows 10 requests/s per IP.
 */
import type { TickerUpdate } from '@tickwire/core';
import { PayloadError, field, has, isJsonObject, preview, readDecimal } from '../payload-fields';
import { newTickerUpdate } from '../ticker-update';
import { readNullableDecimal, readOptionalIsoTime } from './coinbase-fields';
import { CoinbaseErrorCode, CoinbaseRestError } from './errors';

const ENDPOINT = '/products/<id>/ticker';

function readTicker(symbol: string, body: unknown, receiveTime: number): TickerUpdate {
  if (!isJsonObject(body)) throw new PayloadError(`expected a JSON object, got ${preview(body)}`);
  if (has(body, 'message') && !has(body, 'price')) {
    const text = field(body, 'message');
    const coinbaseMessage = typeof text === 'string' ? text : preview(text);
    throw new CoinbaseRestError(
      CoinbaseErrorCode.ApiError,
      `Coinbase refused the ticker for ${symbol}: ${JSON.stringify(coinbaseMessage)}` +
        (coinbaseMessage === 'NotFound' ? '; check that the product is listed on Coinbase Exchange' : ''),
      symbol,
      coinbaseMessage,
    );
  }
  const context = 'product ticker';
  return newTickerUpdate(
    'coinbase',
    symbol,
    readOptionalIsoTime(body, 'time', context) ?? receiveTime,
    receiveTime,
    'rest',
    {
      last: readDecimal(body, 'price', context),
      lastQty: readNullableDecimal(body, 'size', context),
      bid: readNullableDecimal(body, 'bid', context),
      ask: readNullableDecimal(body, 'ask', context),
      baseVolume: readNullableDecimal(body, 'volume', context),
    },
  );
}

/**
 * Parses a decoded product ticker body for `symbol` (canonical, e.g. `COINBASE:BTC-USD`). Throws
 * {@link CoinbaseRestError}: `COINBASE_API_ERROR` for Coinbase's error body,
 * `COINBASE_MALFORMED_REST_BODY` otherwise.
 */
export function parseCoinbaseProductTicker(symbol: string, body: unknown, receiveTime: number): TickerUpdate {
  try {
    return readTicker(symbol, body, receiveTime);
  } catch (error) {
    if (error instanceof PayloadError) {
      throw new CoinbaseRestError(
        CoinbaseErrorCode.MalformedRestBody,
        `malformed ${ENDPOINT} response for ${symbol}: ${error.message}; check that the REST base URL points at Coinbase Exchange`,
        symbol,
      );
    }
    throw error;
  }
}

/** Like {@link parseCoinbaseProductTicker}, from the body text. */
export function parseCoinbaseProductTickerText(
  symbol: string,
  bodyText: string,
  receiveTime: number,
): TickerUpdate {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch (error) {
    throw new CoinbaseRestError(
      CoinbaseErrorCode.MalformedRestBody,
      `malformed ${ENDPOINT} response for ${symbol}: invalid JSON (${error instanceof Error ? error.message : String(error)})`,
      symbol,
    );
  }
  return parseCoinbaseProductTicker(symbol, body, receiveTime);
}

/** The status Coinbase answers once the REST budget is spent. */
export const COINBASE_RATE_LIMITED_STATUS = 429;

/**
 * Milliseconds to wait after a refused request; undefined when `status` is not 429. Coinbase
 * documents no `Retry-After`; its token bucket refills 10 requests each second, so one second
 * is enough unless the header says otherwise.
 */
export function coinbaseRetryDelayMs(
  status: number,
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
): number | undefined {
  if (status !== COINBASE_RATE_LIMITED_STATUS) return undefined;
  const value = headers['retry-after'];
  const text = (typeof value === 'string' ? value : value?.[0])?.trim();
  const seconds = text !== undefined && /^\d+$/u.test(text) ? Number(text) : 1;
  return Math.min(seconds, 60) * 1_000;
}
