/**
 * Finnhub URLs: the socket (API key in the `token` query parameter), the REST quote, the symbol
 * lists and the candles.
 * Docs: https://finnhub.io/docs/api/websocket-trades, https://finnhub.io/docs/api/quote and
 * https://finnhub.io/docs/api/stock-symbols
 *
 * The key is a secret: URLs that carry it must not be logged whole (the upstream logs
 * `?…` instead of the query). REST requests send it in the `X-Finnhub-Token` header instead.
 */
import { FinnhubConfigError, FinnhubErrorCode } from './errors';

/** The REST header that carries the API key. */
export const FINNHUB_TOKEN_HEADER = 'X-Finnhub-Token';

const QUOTE_PATH = '/api/v1/quote';

/** Throws unless `token` is a usable key: non-empty, no whitespace or control characters. */
export function checkFinnhubToken(token: unknown): asserts token is string {
  if (typeof token !== 'string' || token.length === 0 || /[\s\p{Cc}]/u.test(token)) {
    throw new FinnhubConfigError(
      FinnhubErrorCode.MissingToken,
      'a Finnhub API key is required (the `token` option): use the normal key from finnhub.io/dashboard, ' +
        'not the sandbox key, which the socket refuses with HTTP 401',
    );
  }
}

function baseUrl(base: string, schemes: readonly string[], what: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(base);
  } catch {
    throw new FinnhubConfigError(
      FinnhubErrorCode.InvalidBaseUrl,
      `${what} ${JSON.stringify(base)} is not a URL`,
    );
  }
  if (!schemes.includes(parsed.protocol) || parsed.search !== '' || parsed.hash !== '') {
    throw new FinnhubConfigError(
      FinnhubErrorCode.InvalidBaseUrl,
      `${what} ${JSON.stringify(base)} must be a ${schemes.join(' or ')}//host[:port][/path] base without query or fragment`,
    );
  }
  return parsed;
}

/**
 * `wss://ws.finnhub.io/?token=<key>` for `wsBase` `wss://ws.finnhub.io` (a path, e.g. a
 * simulator's `/finnhub`, is kept). Throws {@link FinnhubConfigError} on a bad base or key.
 */
export function finnhubSocketUrl(wsBase: string, token: string): string {
  checkFinnhubToken(token);
  const url = baseUrl(wsBase, ['ws:', 'wss:'], 'Finnhub WebSocket base URL');
  url.searchParams.set('token', token);
  return url.toString();
}

/** The REST base without a trailing `/` or `/api/v1`. */
function restBaseUrl(restBase: string): string {
  return baseUrl(restBase, ['http:', 'https:'], 'Finnhub REST base URL')
    .toString()
    .replace(/\/+$/u, '')
    .replace(/\/api\/v1$/u, '');
}

/**
 * `GET <restBase>/api/v1/quote?symbol=<symbol>`, with `&token=<key>` only when `token` is
 * given (prefer the {@link FINNHUB_TOKEN_HEADER} header). `restBase` is like
 * `https://finnhub.io`; a trailing `/` or `/api/v1` is tolerated.
 */
export function finnhubQuoteUrl(restBase: string, finnhubSymbol: string, token?: string): string {
  const base = restBaseUrl(restBase);
  const query = new URLSearchParams({ symbol: finnhubSymbol });
  if (token !== undefined) {
    checkFinnhubToken(token);
    query.set('token', token);
  }
  return `${base}${QUOTE_PATH}?${query.toString()}`;
}

/** The markets Finnhub lists symbols for, as spelled in the list's path. */
export type FinnhubMarket = 'stock' | 'crypto' | 'forex';

/** Finnhub exchange codes (`US`, `binance`, `oanda`, `ic markets`): short, printable. */
const EXCHANGE_CODE_RE = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,31}$/u;

/**
 * `GET <restBase>/api/v1/<market>/symbol?exchange=<exchange>`: every symbol Finnhub lists for one
 * stock exchange (`US`), crypto venue (`binance`) or forex broker (`oanda`). The key goes in
 * the {@link FINNHUB_TOKEN_HEADER} header. Throws {@link FinnhubConfigError} on a bad base or code.
 */
export function finnhubSymbolListUrl(restBase: string, market: FinnhubMarket, exchange: string): string {
  if (!EXCHANGE_CODE_RE.test(exchange)) {
    throw new FinnhubConfigError(
      FinnhubErrorCode.InvalidOption,
      `invalid Finnhub ${market} exchange code ${JSON.stringify(exchange)}: use Finnhub's code, e.g. US, binance or oanda`,
    );
  }
  return `${restBaseUrl(restBase)}/api/v1/${market}/symbol?${new URLSearchParams({ exchange }).toString()}`;
}

/**
 * `GET <restBase>/api/v1/<market>/candle?symbol=<symbol>&resolution=<r>&from=<s>&to=<s>`: the
 * candles of one symbol whose starts lie from `fromMs` to `toMs` (sent in UNIX seconds). The key
 * goes in the {@link FINNHUB_TOKEN_HEADER} header.
 */
export function finnhubCandlesUrl(
  restBase: string,
  market: FinnhubMarket,
  finnhubSymbol: string,
  resolution: string,
  fromMs: number,
  toMs: number,
): string {
  const query = new URLSearchParams({
    symbol: finnhubSymbol,
    resolution,
    from: String(Math.floor(fromMs / 1_000)),
    to: String(Math.floor(toMs / 1_000)),
  });
  return `${restBaseUrl(restBase)}/api/v1/${market}/candle?${query.toString()}`;
}
