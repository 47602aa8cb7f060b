/**
 * Binance Spot stream names and URLs.
 * Docs: https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams
 * (stream names, combined streams) and
 * https://developers.binance.com/docs/binance-spot-api-docs/rest-api (`/api/v3/ticker/24hr`,
 * `/api/v3/ticker/price`, `/api/v3/exchangeInfo`).
 */
import { BinanceConfigError, BinanceErrorCode } from './errors';
import { BINANCE_MAX_STREAMS_PER_CONNECTION } from './limits';

/** Kline intervals Binance offers; `1M` (month) and `1m` (minute) differ only by case. */
export const BINANCE_KLINE_INTERVALS = [
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

export type BinanceKlineInterval = (typeof BINANCE_KLINE_INTERVALS)[number];

/** Per-symbol stream kinds other than klines, spelled as in the stream name. */
export const BINANCE_SYMBOL_STREAM_KINDS = [
  'ticker',
  'miniTicker',
  'bookTicker',
  'trade',
  'aggTrade',
] as const;

/** One per-symbol stream: `btcusdt@<kind>`. */
export type BinanceStreamKind =
  (typeof BINANCE_SYMBOL_STREAM_KINDS)[number] | `kline_${BinanceKlineInterval}`;

/** The all-market mini ticker stream (a JSON array of every symbol that changed, each second). */
export const BINANCE_ALL_MINI_TICKERS_STREAM = '!miniTicker@arr';

const KLINE_PREFIX = 'kline_';

export function isBinanceKlineInterval(value: string): value is BinanceKlineInterval {
  return (BINANCE_KLINE_INTERVALS as readonly string[]).includes(value);
}

/** True for `ticker`, `aggTrade`, `kline_1M`...; case-sensitive, as Binance is. */
export function isBinanceStreamKind(value: string): value is BinanceStreamKind {
  if ((BINANCE_SYMBOL_STREAM_KINDS as readonly string[]).includes(value)) return true;
  return value.startsWith(KLINE_PREFIX) && isBinanceKlineInterval(value.slice(KLINE_PREFIX.length));
}

/** Characters that would break a stream list (`a/b`), a query string or a JSON frame. */
const UNSAFE_NAME_RE = /[\s/@?&#!%"\\]/u;
const MAX_SYMBOL_LENGTH = 64;

function checkSymbol(symbol: string): void {
  if (symbol.length === 0 || symbol.length > MAX_SYMBOL_LENGTH || UNSAFE_NAME_RE.test(symbol)) {
    throw new BinanceConfigError(
      BinanceErrorCode.InvalidSymbol,
      `invalid Binance symbol ${JSON.stringify(symbol)}: use the exchange's symbol name, e.g. BTCUSDT`,
    );
  }
}

/**
 * The stream name for one symbol: `streamName('BTCUSDT', 'aggTrade')` is `btcusdt@aggTrade`.
 * Binance wants the symbol lowercase; the kind keeps its case (`bookTicker`, `kline_1M`).
 * Throws {@link BinanceConfigError} on an unknown kind or an unusable symbol.
 */
export function streamName(symbol: string, kind: BinanceStreamKind): string {
  checkSymbol(symbol);
  // Kinds often come from configuration, so the type alone is not trusted.
  if (!isBinanceStreamKind(kind)) {
    throw new BinanceConfigError(
      BinanceErrorCode.InvalidStreamKind,
      `unknown Binance stream kind ${JSON.stringify(kind)}: use one of ${BINANCE_SYMBOL_STREAM_KINDS.join(', ')} ` +
        `or kline_<interval> with an interval among ${BINANCE_KLINE_INTERVALS.join(' ')}`,
    );
  }
  return `${symbol.toLowerCase()}@${kind}`;
}

/** Stream names go verbatim between `/` separators in the query string. */
const UNSAFE_STREAM_RE = /[\s/?&#%"\\]/u;

function checkStream(stream: string): void {
  if (stream.length === 0 || UNSAFE_STREAM_RE.test(stream)) {
    throw new BinanceConfigError(
      BinanceErrorCode.InvalidSymbol,
      `invalid Binance stream name ${JSON.stringify(stream)}: build it with streamName()`,
    );
  }
}

function baseUrl(base: string, schemes: readonly string[], what: string): string {
  let parsed: URL;
  try {
    parsed = new URL(base);
  } catch {
    throw new BinanceConfigError(
      BinanceErrorCode.InvalidBaseUrl,
      `${what} ${JSON.stringify(base)} is not a URL`,
    );
  }
  if (!schemes.includes(parsed.protocol) || parsed.search !== '' || parsed.hash !== '') {
    throw new BinanceConfigError(
      BinanceErrorCode.InvalidBaseUrl,
      `${what} ${JSON.stringify(base)} must be a ${schemes.join(' or ')}//host[:port] base without query or fragment`,
    );
  }
  return base.replace(/\/+$/u, '');
}

/**
 * The combined-stream URL: `<base>/stream?streams=a/b/c`, or `<base>/stream` with no streams (then
 * subscribe with control frames). Frames on it come wrapped as `{"stream","data"}`.
 *
 * `wsBase` is like `wss://stream.binance.com:9443` or `ws://127.0.0.1:1234`; a trailing slash and
 * a trailing `/ws` or `/stream` (the testnet documents its base as `.../ws`) are tolerated.
 * Duplicate streams are sent once. Throws {@link BinanceConfigError} beyond
 * {@link BINANCE_MAX_STREAMS_PER_CONNECTION} streams.
 */
export function combinedStreamUrl(wsBase: string, streams: readonly string[]): string {
  const base = baseUrl(wsBase, ['ws:', 'wss:'], 'Binance WebSocket base URL').replace(
    /\/(?:ws|stream)$/u,
    '',
  );
  const unique = [...new Set(streams)];
  if (unique.length > BINANCE_MAX_STREAMS_PER_CONNECTION) {
    throw new BinanceConfigError(
      BinanceErrorCode.TooManyStreams,
      `${unique.length} streams requested on one Binance connection, the limit is ` +
        `${BINANCE_MAX_STREAMS_PER_CONNECTION}: spread the symbols over more connections or request fewer stream kinds`,
    );
  }
  unique.forEach(checkStream);
  return unique.length === 0 ? `${base}/stream` : `${base}/stream?streams=${unique.join('/')}`;
}

/** `symbol=X` for one symbol, `symbols=["X","Y"]` (URL-encoded) for several, nothing for none. */
function symbolsQuery(symbols: readonly string[]): string | undefined {
  const unique = [...new Set(symbols.map((symbol) => symbol.toUpperCase()))];
  unique.forEach(checkSymbol);
  if (unique.length === 0) return undefined;
  if (unique.length === 1) return `symbol=${encodeURIComponent(unique[0] ?? '')}`;
  return `symbols=${encodeURIComponent(JSON.stringify(unique))}`;
}

function restUrl(restBase: string, path: string, params: readonly (string | undefined)[]): string {
  const base = baseUrl(restBase, ['http:', 'https:'], 'Binance REST base URL');
  const query = params.filter((param): param is string => param !== undefined).join('&');
  return query === '' ? `${base}${path}` : `${base}${path}?${query}`;
}

export interface Ticker24hrUrlOptions {
  /** `MINI` drops change, percent, bid/ask and last quantity; the default is `FULL`. */
  type?: 'FULL' | 'MINI';
}

/**
 * `GET /api/v3/ticker/24hr` for the given symbols (uppercased). With no symbols Binance returns
 * every symbol, at the highest request weight (80).
 */
export function ticker24hrUrl(
  restBase: string,
  symbols: readonly string[],
  options: Ticker24hrUrlOptions = {},
): string {
  return restUrl(restBase, '/api/v3/ticker/24hr', [
    symbolsQuery(symbols),
    options.type === undefined ? undefined : `type=${options.type}`,
  ]);
}

/** `GET /api/v3/ticker/price`: last price only, a cheaper poll (weight 4 for any list). */
export function tickerPriceUrl(restBase: string, symbols: readonly string[]): string {
  return restUrl(restBase, '/api/v3/ticker/price', [symbolsQuery(symbols)]);
}

/** Filters of `GET /api/v3/exchangeInfo`, both added on 2024-10-17 (Binance CHANGELOG). */
export interface ExchangeInfoUrlOptions {
  /** Only symbols with this status. Binance refuses it together with `symbol` or `symbols`. */
  symbolStatus?: 'TRADING' | 'HALT' | 'BREAK';
  /**
   * `false` leaves every symbol's `permissionSets` empty: the lists of trading groups make up most
   * of the unfiltered body, which runs to megabytes.
   */
  showPermissionSets?: boolean;
}

/**
 * `GET /api/v3/exchangeInfo`, for all symbols or the given ones. Throws
 * {@link BinanceConfigError} for `symbols` with `options.symbolStatus`, which Binance refuses.
 */
export function exchangeInfoUrl(
  restBase: string,
  symbols: readonly string[] = [],
  options: ExchangeInfoUrlOptions = {},
): string {
  if (symbols.length > 0 && options.symbolStatus !== undefined) {
    throw new BinanceConfigError(
      BinanceErrorCode.InvalidRequest,
      'exchangeInfo cannot filter named symbols by symbolStatus: drop either the symbols or the symbolStatus',
    );
  }
  return restUrl(restBase, '/api/v3/exchangeInfo', [
    symbolsQuery(symbols),
    options.symbolStatus === undefined ? undefined : `symbolStatus=${options.symbolStatus}`,
    options.showPermissionSets === undefined ? undefined : `showPermissionSets=${options.showPermissionSets}`,
  ]);
}

/**
 * `GET /api/v3/klines` for one symbol (uppercased) and interval, open times `startTime` to
 * `endTime` (ms, inclusive), at most `limit` (1000) candles: weight 2 whatever the limit.
 */
export function klinesUrl(
  restBase: string,
  symbol: string,
  interval: BinanceKlineInterval,
  range: { startTime: number; endTime: number; limit: number },
): string {
  checkSymbol(symbol);
  return restUrl(restBase, '/api/v3/klines', [
    `symbol=${symbol.toUpperCase()}`,
    `interval=${interval}`,
    `startTime=${range.startTime}`,
    `endTime=${range.endTime}`,
    `limit=${range.limit}`,
  ]);
}
