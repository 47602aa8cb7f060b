/**
 * Coinbase URLs: the feed (no streams in the URL: they are subscribed after connecting), the
 * REST product ticker, the product candles and the product list.
 * Docs: https://docs.cdp.coinbase.com/exchange/websocket-feed/overview,
 * https://docs.cdp.coinbase.com/api-reference/exchange-api/rest-api/products/get-product-ticker,
 * https://docs.cdp.coinbase.com/api-reference/exchange-api/rest-api/products/get-product-candles and
 * https://docs.cdp.coinbase.com/api-reference/exchange-api/rest-api/products/get-all-known-trading-pairs
 */
import { CoinbaseConfigError, CoinbaseErrorCode } from './errors';
import { isCoinbaseProductId } from './symbols';

function baseUrl(base: string, schemes: readonly string[], what: string): string {
  let parsed: URL;
  try {
    parsed = new URL(base);
  } catch {
    throw new CoinbaseConfigError(
      CoinbaseErrorCode.InvalidBaseUrl,
      `${what} ${JSON.stringify(base)} is not a URL`,
    );
  }
  if (!schemes.includes(parsed.protocol) || parsed.search !== '' || parsed.hash !== '') {
    throw new CoinbaseConfigError(
      CoinbaseErrorCode.InvalidBaseUrl,
      `${what} ${JSON.stringify(base)} must be a ${schemes.join(' or ')}//host[:port][/path] base without query or fragment`,
    );
  }
  return base.replace(/\/+$/u, '');
}

/** The feed URL itself, e.g. `wss://ws-feed.exchange.coinbase.com`; streams are subscribed after connecting. */
export function coinbaseFeedUrl(wsBase: string): string {
  return baseUrl(wsBase, ['ws:', 'wss:'], 'Coinbase WebSocket base URL');
}

function productUrl(restBase: string, productId: string): string {
  if (!isCoinbaseProductId(productId)) {
    throw new CoinbaseConfigError(
      CoinbaseErrorCode.InvalidSymbol,
      `invalid Coinbase product id ${JSON.stringify(productId)}: use BASE-QUOTE, e.g. BTC-USD`,
    );
  }
  return `${baseUrl(restBase, ['http:', 'https:'], 'Coinbase REST base URL')}/products/${productId}`;
}

/** `GET <restBase>/products/<product id>/ticker`: last trade, best bid/ask and 24 h volume of one product. */
export function coinbaseProductTickerUrl(restBase: string, productId: string): string {
  return `${productUrl(restBase, productId)}/ticker`;
}

/**
 * `GET <restBase>/products/<product id>/candles?granularity=<s>&start=<ISO 8601>&end=<ISO 8601>`:
 * the candles of one product whose bucket starts lie from `startMs` to `endMs`. ISO 8601, as the
 * docs first described `start` and `end` (and as ccxt sends them).
 */
export function coinbaseProductCandlesUrl(
  restBase: string,
  productId: string,
  granularitySeconds: number,
  startMs: number,
  endMs: number,
): string {
  const query = new URLSearchParams({
    granularity: String(granularitySeconds),
    start: new Date(startMs).toISOString(),
    end: new Date(endMs).toISOString(),
  });
  return `${productUrl(restBase, productId)}/candles?${query.toString()}`;
}

/** `GET <restBase>/products`: every product, with its status. */
export function coinbaseProductsUrl(restBase: string): string {
  return `${baseUrl(restBase, ['http:', 'https:'], 'Coinbase REST base URL')}/products`;
}
