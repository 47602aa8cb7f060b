/**
 * `GET /api/v1/quote?symbol=X` responses to ticker updates, for the REST fallback.
 * Docs: https://finnhub.io/docs/api/quote
 *
 *   {"c":376.66,"d":-4.74,"dp":-1.2428,"h":383.38,"l":376.42,"o":381.33,"pc":381.4,"t":1672261200}
 *
 * - `c` current price, `d` change, `dp` percent change, `h`/`l`/`o` the day's high/low/open,
 *   `pc` previous close (not a ticker field; `d` is measured against it).
 * - `t` is in SECONDS here, unlike the socket's milliseconds.
 * - The body does not name its symbol: the caller says which one it asked for.
 * - An unknown symbol is HTTP 200 with `{"c":0,"d":null,"dp":null,"h":0,...,"t":0}`: a typed
 *   `FINNHUB_UNKNOWN_SYMBOL` error, never a price of 0.
 * - Entitlement errors are `{"error":"<text>"}`.
 */
import { compareDecimal } from '@tickwire/core';
import type { TickerUpdate } from '@tickwire/core';
import { parseJsonKeepingNumbers } from '../lossless-json';
import { PayloadError, isJsonObject, preview } from '../payload-fields';
import { newTickerUpdate } from '../ticker-update';
import { finnhubErrorMessage } from './error-body';
import { FinnhubErrorCode, FinnhubRestError } from './errors';
import { readNumberDecimal, readOptionalNumberDecimal, readWholeNumber } from './number-fields';

const ENDPOINT = '/api/v1/quote';
const MS_PER_SECOND = 1_000;

function readQuote(symbol: string, body: unknown, receiveTime: number): TickerUpdate {
  if (!isJsonObject(body)) throw new PayloadError(`expected a JSON object, got ${preview(body)}`);
  const finnhubMessage = finnhubErrorMessage(body);
  if (finnhubMessage !== undefined) {
    throw new FinnhubRestError(
      FinnhubErrorCode.ApiError,
      `Finnhub refused the quote for ${symbol}: ${JSON.stringify(finnhubMessage)}; ` +
        'check that the plan of the API key covers this market',
      symbol,
      finnhubMessage,
    );
  }
  const context = 'quote';
  const last = readNumberDecimal(body, 'c', context);
  const change = readOptionalNumberDecimal(body, 'd', context);
  if (compareDecimal(last, '0') === 0 && change === undefined) {
    throw new FinnhubRestError(
      FinnhubErrorCode.UnknownSymbol,
      `Finnhub has no quote for ${symbol} (HTTP 200 with zeros): check the symbol; US stocks are ` +
        'plain tickers (FINNHUB:AAPL), crypto and FX are VENUE:PAIR (FINNHUB:BINANCE:BTCUSDT)',
      symbol,
    );
  }
  const seconds = readWholeNumber(body, 't', context);
  return newTickerUpdate(
    'finnhub',
    symbol,
    seconds === 0 ? receiveTime : seconds * MS_PER_SECOND,
    receiveTime,
    'rest',
    {
      last,
      open: readOptionalNumberDecimal(body, 'o', context),
      high: readOptionalNumberDecimal(body, 'h', context),
      low: readOptionalNumberDecimal(body, 'l', context),
      change,
      changePct: readOptionalNumberDecimal(body, 'dp', context),
    },
  );
}

/**
 * Parses a decoded quote body for `symbol` (canonical, e.g. `FINNHUB:AAPL`). Numbers may be
 * `JsonNumberText` (exact) or doubles. Throws {@link FinnhubRestError}: `FINNHUB_UNKNOWN_SYMBOL`,
 * `FINNHUB_API_ERROR` or `FINNHUB_MALFORMED_REST_BODY`.
 */
export function parseFinnhubQuote(symbol: string, body: unknown, receiveTime: number): TickerUpdate {
  try {
    return readQuote(symbol, body, receiveTime);
  } catch (error) {
    if (error instanceof PayloadError) {
      throw new FinnhubRestError(
        FinnhubErrorCode.MalformedRestBody,
        `malformed ${ENDPOINT} response for ${symbol}: ${error.message}; check that the REST base URL points at Finnhub`,
        symbol,
      );
    }
    throw error;
  }
}

/** Like {@link parseFinnhubQuote}, from the body text: every number keeps its digits. */
export function parseFinnhubQuoteText(symbol: string, bodyText: string, receiveTime: number): TickerUpdate {
  let body: unknown;
  try {
    body = parseJsonKeepingNumbers(bodyText);
  } catch (error) {
    throw new FinnhubRestError(
      FinnhubErrorCode.MalformedRestBody,
      `malformed ${ENDPOINT} response for ${symbol}: invalid JSON (${error instanceof Error ? error.message : String(error)})`,
      symbol,
    );
  }
  return parseFinnhubQuote(symbol, body, receiveTime);
}
