/**
 * `GET /api/v3/exchangeInfo`: the symbol list (to validate configured symbols, and to refuse
 * unknown ones without a round trip) and the live rate limits (Binance changes them; read them
 * rather than hard-coding request weights).
 * Docs: https://developers.binance.com/docs/binance-spot-api-docs/rest-api/general-endpoints#exchange-information
 */
import type { ListedSymbol } from '../exchange-adapter';
import { displayText } from '../payload-fields';
import { toCanonicalSymbol } from '../symbol-namespace';
import { BinanceErrorCode, BinanceRestError } from './errors';
import { readRestBody } from './rest-body';
import {
  PayloadError,
  field,
  has,
  isJsonObject,
  preview,
  readDecimal,
  readInteger,
  readString,
  readSymbol,
} from './payload-fields';
import type { JsonObject } from './payload-fields';

export interface BinanceSymbolInfo {
  symbol: string;
  /** `TRADING`, `HALT`, `BREAK`... */
  status: string;
  baseAsset: string;
  quoteAsset: string;
  /** Price step from the symbol's `PRICE_FILTER`, as sent (`"0.01000000"`). */
  tickSize?: string;
}

export interface BinanceRateLimit {
  /** `REQUEST_WEIGHT`, `RAW_REQUESTS`, `ORDERS`... */
  rateLimitType: string;
  /** `SECOND`, `MINUTE`, `DAY`. */
  interval: string;
  intervalNum: number;
  limit: number;
}

export interface BinanceExchangeInfo {
  symbols: BinanceSymbolInfo[];
  rateLimits: BinanceRateLimit[];
}

const ENDPOINT = '/api/v3/exchangeInfo';

function readArray(object: JsonObject, key: string, context: string): unknown[] {
  const value = has(object, key) ? object[key] : undefined;
  if (!Array.isArray(value))
    throw new PayloadError(`${context}: field "${key}" must be an array, got ${preview(value)}`);
  return value;
}

function readElement(value: unknown, context: string): JsonObject {
  if (!isJsonObject(value)) throw new PayloadError(`${context}: expected an object, got ${preview(value)}`);
  return value;
}

function parseSymbol(value: unknown, context: string): BinanceSymbolInfo {
  const item = readElement(value, context);
  const info: BinanceSymbolInfo = {
    symbol: readSymbol(item, 'symbol', context),
    status: readString(item, 'status', context),
    baseAsset: readString(item, 'baseAsset', context),
    quoteAsset: readString(item, 'quoteAsset', context),
  };
  const filters = has(item, 'filters') ? readArray(item, 'filters', context) : [];
  // Filters Tickwire does not use are left unchecked: Binance adds new filter types now and then.
  const priceFilter = filters.find(
    (filter) => isJsonObject(filter) && filter['filterType'] === 'PRICE_FILTER',
  );
  if (isJsonObject(priceFilter) && has(priceFilter, 'tickSize')) {
    info.tickSize = readDecimal(priceFilter, 'tickSize', `${context} PRICE_FILTER`);
  }
  return info;
}

function parseRateLimit(value: unknown, context: string): BinanceRateLimit {
  const item = readElement(value, context);
  return {
    rateLimitType: readString(item, 'rateLimitType', context),
    interval: readString(item, 'interval', context),
    intervalNum: readInteger(item, 'intervalNum', context),
    limit: readInteger(item, 'limit', context),
  };
}

/**
 * Parses a decoded `/api/v3/exchangeInfo` body. Throws {@link BinanceRestError} on a Binance
 * error body or a body without valid `symbols` and `rateLimits` arrays.
 */
export function parseExchangeInfo(body: unknown): BinanceExchangeInfo {
  return readRestBody(body, ENDPOINT, () => {
    const root = readElement(body, 'exchangeInfo');
    return {
      symbols: readArray(root, 'symbols', 'exchangeInfo').map((item, index) =>
        parseSymbol(item, `symbol ${index}`),
      ),
      rateLimits: readArray(root, 'rateLimits', 'exchangeInfo').map((item, index) =>
        parseRateLimit(item, `rateLimit ${index}`),
      ),
    };
  });
}

/** The status of a symbol that can be traded, and so streams prices. */
const TRADING_STATUS = 'TRADING';

/**
 * The canonical symbols of a decoded exchangeInfo body whose `status` is `TRADING`, each named
 * by its assets (`BTC/USDT`; the symbol itself when Binance leaves them out). Unlike
 * {@link parseExchangeInfo}, one odd entry does not spoil the list: entries that are not
 * objects, lack a `symbol` or `status`, or have names Tickwire symbols cannot carry (Binance
 * lists some non-ASCII names) are skipped. Throws {@link BinanceRestError} on a Binance error
 * body or a body without a `symbols` array.
 */
export function binanceTradingSymbols(body: unknown): ListedSymbol[] {
  return readRestBody(body, ENDPOINT, () => {
    const symbols: ListedSymbol[] = [];
    for (const item of readArray(readElement(body, 'exchangeInfo'), 'symbols', 'exchangeInfo')) {
      if (!isJsonObject(item) || field(item, 'status') !== TRADING_STATUS) continue;
      const name = field(item, 'symbol');
      const symbol = typeof name === 'string' ? toCanonicalSymbol('binance', name) : undefined;
      if (symbol === undefined) continue;
      const [base, quote] = [field(item, 'baseAsset'), field(item, 'quoteAsset')];
      const assets = typeof base === 'string' && typeof quote === 'string' && base !== '' && quote !== '';
      symbols.push({ symbol, name: displayText([assets ? `${base}/${quote}` : undefined], symbol) });
    }
    return symbols;
  });
}

/** Like {@link binanceTradingSymbols}, from the body text; invalid JSON is a malformed body. */
export function parseBinanceSymbolListText(bodyText: string): ListedSymbol[] {
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
  return binanceTradingSymbols(body);
}
