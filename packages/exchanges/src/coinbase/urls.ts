/**
 * Coinbase URLs: the feed (no streams in the URL: they are subscribed after connecting), the
 * REST product ticker and the product list.
 * Docs: https://docs.cdp.coinbase.com/exchange/websocket-feed/overview,
 * https://docs.cdp.coinbase.com/api-reference/exchange-api/rest-api/products/get-product-ticker and
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

/** `GET <restBase>/products/<product id>/ticker`: last trade, best bid/ask and 24 h volume of one product. */
export function coinbaseProductTickerUrl(restBase: string, productId: string): string {
  if (!isCoinbaseProductId(productId)) {
    throw new CoinbaseConfigError(
      CoinbaseErrorCode.InvalidSymbol,
      `invalid Coinbase product id ${JSON.stringify(productId)}: use BASE-QUOTE, e.g. BTC-USD`,
    );
  }
  return `${baseUrl(restBase, ['http:', 'https:'], 'Coinbase REST base URL')}/products/${productId}/ticker`;
}

/** `GET <restBase>/products`: every product, with its status. */
export function coinbaseProductsUrl(restBase: string): string {
  return `${baseUrl(restBase, ['http:', 'https:'], 'Coinbase REST base URL')}/products`;
}
