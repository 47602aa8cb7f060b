/**
 * `GET /products`: every product of Coinbase Exchange, for the list of tradable symbols.
 * Docs: https://docs.cdp.coinbase.com/api-reference/exchange-api/rest-api/products/get-all-known-trading-pairs
 *
 *   [{"id":"BTC-USD","base_currency":"BTC","quote_currency":"USD","quote_increment":"0.01",
 *     "base_increment":"0.00000001","display_name":"BTC-USD","min_market_funds":"1",
 *     "margin_enabled":false,"post_only":false,"limit_only":false,"cancel_only":false,
 *     "status":"online","status_message":"","auction_mode":false,"trading_disabled":false,
 *     "fx_stablecoin":false,"max_slippage_percentage":"0.03000000","high_bid_limit_percentage":""}]
 *
 * A product is listed when its `status` is `online` (others: `offline`, `internal`, `delisted`)
 * and `trading_disabled` is not true. `post_only`, `limit_only` and `cancel_only` restrict
 * orders, not the feed, so such products stay listed. Errors are `{"message":"..."}`.
 */
import type { ListedSymbol } from '../exchange-adapter';
import { PayloadError, displayText, field, isJsonObject, preview } from '../payload-fields';
import { CoinbaseErrorCode, CoinbaseRestError } from './errors';
import { coinbaseProductToSymbol } from './symbols';

const ENDPOINT = '/products';
const ONLINE_STATUS = 'online';

/** `display_name` (`BTC-USD`), else `BTC/USD` from the currencies, else the product id. */
function productName(product: Record<string, unknown>, id: string): string {
  const [base, quote] = [field(product, 'base_currency'), field(product, 'quote_currency')];
  const currencies =
    typeof base === 'string' && typeof quote === 'string' && base !== '' && quote !== ''
      ? `${base}/${quote}`
      : undefined;
  return displayText([field(product, 'display_name'), currencies], id);
}

function readProducts(body: unknown): ListedSymbol[] {
  const coinbaseMessage = isJsonObject(body) ? field(body, 'message') : undefined;
  if (typeof coinbaseMessage === 'string') {
    throw new CoinbaseRestError(
      CoinbaseErrorCode.ApiError,
      `Coinbase refused the product list: ${JSON.stringify(coinbaseMessage)}; check that the REST base URL points at Coinbase Exchange`,
      '',
      coinbaseMessage,
    );
  }
  if (!Array.isArray(body)) throw new PayloadError(`expected a JSON array of products, got ${preview(body)}`);
  const symbols: ListedSymbol[] = [];
  for (const product of body) {
    if (!isJsonObject(product) || field(product, 'status') !== ONLINE_STATUS) continue;
    if (field(product, 'trading_disabled') === true) continue;
    const id = field(product, 'id');
    // Products Tickwire symbols cannot carry (not BASE-QUOTE) are left out rather than failing the list.
    if (typeof id !== 'string') continue;
    const symbol = coinbaseProductToSymbol(id);
    if (symbol !== undefined) symbols.push({ symbol, name: productName(product, id) });
  }
  return symbols;
}

/**
 * The canonical symbols (`COINBASE:BTC-USD`) of the online, tradable products in a decoded
 * `/products` body, each with its display name. Incomplete entries are skipped. Throws {@link CoinbaseRestError}:
 * `COINBASE_API_ERROR` for Coinbase's error body, `COINBASE_MALFORMED_REST_BODY` for anything
 * but an array.
 */
export function coinbaseTradableSymbols(body: unknown): ListedSymbol[] {
  try {
    return readProducts(body);
  } catch (error) {
    if (error instanceof PayloadError) {
      throw new CoinbaseRestError(
        CoinbaseErrorCode.MalformedRestBody,
        `malformed ${ENDPOINT} response: ${error.message}; check that the REST base URL points at Coinbase Exchange`,
        '',
      );
    }
    throw error;
  }
}

/** Like {@link coinbaseTradableSymbols}, from the body text; invalid JSON is a malformed body. */
export function parseCoinbaseProductsText(bodyText: string): ListedSymbol[] {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch (error) {
    throw new CoinbaseRestError(
      CoinbaseErrorCode.MalformedRestBody,
      `malformed ${ENDPOINT} response: invalid JSON (${error instanceof Error ? error.message : String(error)})`,
      '',
    );
  }
  return coinbaseTradableSymbols(body);
}
