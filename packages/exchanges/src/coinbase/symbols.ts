/**
 * Coinbase product ids <-> Tickwire canonical symbols: `BTC-USD` <-> `COINBASE:BTC-USD`.
 * Docs: https://docs.cdp.coinbase.com/exchange/websocket-feed/overview (product ids)
 *
 * The product id is kept whole, dash included: removing it (`BTCUSD`) would collide with Binance
 * symbols in one cluster and could not be split back without the product list (`BTC-USDC` vs
 * `BTCU-SDC`). The prefix keeps Coinbase's prices apart from every other exchange's.
 */

/** What a canonical Coinbase symbol starts with. */
export const COINBASE_SYMBOL_PREFIX = 'COINBASE:';

/** Canonical symbols are at most 40 characters (core's `canonicalSymbol`). */
const MAX_PRODUCT_ID_LENGTH = 40 - COINBASE_SYMBOL_PREFIX.length;

/** `BASE-QUOTE`, uppercase letters and digits (`BTC-USD`, `1INCH-USD`, `USDT-USDC`). */
const PRODUCT_ID_RE = /^[A-Z0-9]+-[A-Z0-9]+$/u;

export function isCoinbaseProductId(value: string): boolean {
  return value.length <= MAX_PRODUCT_ID_LENGTH && PRODUCT_ID_RE.test(value);
}

/** `BTC-USD` -> `COINBASE:BTC-USD`; undefined when `productId` is not a product id. */
export function coinbaseProductToSymbol(productId: string): string | undefined {
  return isCoinbaseProductId(productId) ? COINBASE_SYMBOL_PREFIX + productId : undefined;
}

/** `COINBASE:BTC-USD` -> `BTC-USD`; undefined for anything that is not a canonical Coinbase symbol. */
export function symbolToCoinbaseProduct(symbol: string): string | undefined {
  if (!symbol.startsWith(COINBASE_SYMBOL_PREFIX)) return undefined;
  const productId = symbol.slice(COINBASE_SYMBOL_PREFIX.length);
  return isCoinbaseProductId(productId) ? productId : undefined;
}
