/**
 * Massive URLs: the stocks socket (`<host>/stocks`), the batch snapshot, the reference tickers
 * and the market status. REST requests carry the key in `Authorization: Bearer <key>` (both
 * that and `?apiKey=` are documented), so URLs never hold it and can be logged.
 * Docs: exchanges.md Part B 5.1, 5.8, 5.10-5.12.
 */
import { MassiveConfigError, MassiveErrorCode } from './errors';

/** The REST header that carries the API key. */
export const MASSIVE_AUTH_HEADER = 'Authorization';

/** The WebSocket cluster of US stocks: a path segment of the host. */
export const MASSIVE_STOCKS_CLUSTER = 'stocks';

export const MASSIVE_SNAPSHOT_PATH = '/v2/snapshot/locale/us/markets/stocks/tickers';
export const MASSIVE_REFERENCE_TICKERS_PATH = '/v3/reference/tickers';
export const MASSIVE_MARKET_STATUS_PATH = '/v1/marketstatus/now';

/** Reference tickers per page: "default 100, max 1000". */
export const MASSIVE_REFERENCE_PAGE_LIMIT = 1_000;

/** Throws unless `apiKey` is a usable key: non-empty, no whitespace or control characters. */
export function checkMassiveApiKey(apiKey: unknown): asserts apiKey is string {
  if (typeof apiKey !== 'string' || apiKey.length === 0 || /[\s\p{Cc}]/u.test(apiKey)) {
    throw new MassiveConfigError(
      MassiveErrorCode.MissingApiKey,
      'a Massive API key is required (the `apiKey` option): copy it from massive.com/dashboard/keys',
    );
  }
}

/** The REST headers of every request: the key as a bearer token. */
export function massiveAuthHeaders(apiKey: string): Record<string, string> {
  return { [MASSIVE_AUTH_HEADER]: `Bearer ${apiKey}`, Accept: 'application/json' };
}

function baseUrl(base: string, schemes: readonly string[], what: string): string {
  let parsed: URL;
  try {
    parsed = new URL(base);
  } catch {
    throw new MassiveConfigError(
      MassiveErrorCode.InvalidBaseUrl,
      `${what} ${JSON.stringify(base)} is not a URL`,
    );
  }
  if (!schemes.includes(parsed.protocol) || parsed.search !== '' || parsed.hash !== '') {
    throw new MassiveConfigError(
      MassiveErrorCode.InvalidBaseUrl,
      `${what} ${JSON.stringify(base)} must be a ${schemes.join(' or ')}//host[:port][/path] base without query or fragment`,
    );
  }
  return parsed.toString().replace(/\/+$/u, '');
}

/** `wss://socket.massive.com/stocks` for `wss://socket.massive.com` (a base path is kept). */
export function massiveSocketUrl(wsBase: string): string {
  return `${baseUrl(wsBase, ['ws:', 'wss:'], 'Massive WebSocket base URL')}/${MASSIVE_STOCKS_CLUSTER}`;
}

/** `GET <rest>/v2/snapshot/locale/us/markets/stocks/tickers?tickers=A,B`: every ticker in one request. */
export function massiveSnapshotUrl(restBase: string, tickers: readonly string[]): string {
  // Commas stay literal, as the documented example writes them.
  return `${baseUrl(restBase, ['http:', 'https:'], 'Massive REST base URL')}${MASSIVE_SNAPSHOT_PATH}?tickers=${tickers.map(encodeURIComponent).join(',')}`;
}

/** The first page of the active US stock tickers. */
export function massiveReferenceTickersUrl(restBase: string): string {
  const query = new URLSearchParams({
    market: 'stocks',
    active: 'true',
    limit: String(MASSIVE_REFERENCE_PAGE_LIMIT),
  });
  return `${baseUrl(restBase, ['http:', 'https:'], 'Massive REST base URL')}${MASSIVE_REFERENCE_TICKERS_PATH}?${query.toString()}`;
}

/** `GET <rest>/v1/marketstatus/now`. */
export function massiveMarketStatusUrl(restBase: string): string {
  return `${baseUrl(restBase, ['http:', 'https:'], 'Massive REST base URL')}${MASSIVE_MARKET_STATUS_PATH}`;
}

/**
 * The request for a `next_url`, sent to the configured REST base rather than to the host the
 * URL names (the official Python client keeps only its path and query): a simulator or proxy
 * base keeps working, and the key never goes to a host we did not configure. `next_url` carries
 * no key; the caller adds the header again. Undefined for a value that is not a URL.
 */
export function massiveNextPageUrl(restBase: string, nextUrl: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(nextUrl);
  } catch {
    return undefined;
  }
  if (parsed.pathname !== MASSIVE_REFERENCE_TICKERS_PATH) return undefined;
  return `${baseUrl(restBase, ['http:', 'https:'], 'Massive REST base URL')}${parsed.pathname}${parsed.search}`;
}
