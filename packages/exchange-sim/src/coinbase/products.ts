/**
 * The products the Coinbase Exchange simulator lists: id `BASE-QUOTE`, price step
 * (`quote_increment`) and size step (`base_increment`), each a spec for the shared seeded price
 * machinery, plus the `GET /products` object. Products outside the catalog get generic steps.
 * Docs: https://docs.cdp.coinbase.com/api-reference/exchange-api/rest-api/products/get-all-known-trading-pairs
 */
import { decimalsOfUnits, trimDecimal } from '../fixed-point';
import { buildSymbolSpec, genericReferencePrice, type SymbolSpec } from '../symbol-catalog';

export interface CoinbaseProduct {
  /** `BTC-USD`. */
  readonly id: string;
  readonly spec: SymbolSpec;
  /** Fraction digits of prices (`quote_increment` 0.01 -> 2). */
  readonly priceDecimals: number;
  /** The `GET /products` element, keys in Coinbase's order. */
  readonly listing: Readonly<Record<string, string | boolean>>;
}

interface ProductEntry {
  readonly quoteIncrement: string;
  readonly baseIncrement: string;
  readonly reference: string;
  /** Largest single trade, in base units. */
  readonly maxTradeSize: string;
  readonly minMarketFunds: string;
}

/** Approximate 2025 levels; what matters is the precision. */
const CATALOG: Readonly<Record<string, ProductEntry>> = {
  'BTC-USD': {
    quoteIncrement: '0.01',
    baseIncrement: '0.00000001',
    reference: '65000',
    maxTradeSize: '0.2',
    minMarketFunds: '1',
  },
  'ETH-USD': {
    quoteIncrement: '0.01',
    baseIncrement: '0.00000001',
    reference: '3200',
    maxTradeSize: '3',
    minMarketFunds: '1',
  },
  'SOL-USD': {
    quoteIncrement: '0.01',
    baseIncrement: '0.00000001',
    reference: '150',
    maxTradeSize: '40',
    minMarketFunds: '1',
  },
  'ETH-BTC': {
    quoteIncrement: '0.00001',
    baseIncrement: '0.00000001',
    reference: '0.05',
    maxTradeSize: '3',
    minMarketFunds: '0.000001',
  },
  'BTC-EUR': {
    quoteIncrement: '0.01',
    baseIncrement: '0.00000001',
    reference: '60000',
    maxTradeSize: '0.2',
    minMarketFunds: '1',
  },
  'DOGE-USD': {
    quoteIncrement: '0.00001',
    baseIncrement: '0.1',
    reference: '0.15',
    maxTradeSize: '30000',
    minMarketFunds: '1',
  },
  'LTC-USD': {
    quoteIncrement: '0.01',
    baseIncrement: '0.00000001',
    reference: '80',
    maxTradeSize: '40',
    minMarketFunds: '1',
  },
};

/** A handful of products. */
export const DEFAULT_COINBASE_PRODUCTS: readonly string[] = [
  'BTC-USD',
  'ETH-USD',
  'SOL-USD',
  'ETH-BTC',
  'BTC-EUR',
];

/** `BASE-QUOTE`, uppercase letters and digits. */
export const PRODUCT_ID_RE = /^[A-Z0-9]{1,12}-[A-Z0-9]{1,12}$/;

const GENERIC: Omit<ProductEntry, 'reference'> = {
  quoteIncrement: '0.01',
  baseIncrement: '0.00000001',
  maxTradeSize: '10',
  minMarketFunds: '1',
};

/** The product `id` (must match PRODUCT_ID_RE). */
export function coinbaseProduct(id: string): CoinbaseProduct {
  const [base = id, quote = ''] = id.split('-');
  const entry = CATALOG[id] ?? { ...GENERIC, reference: genericReferencePrice(id) };
  const spec = buildSymbolSpec(id, {
    base,
    quote,
    tick: entry.quoteIncrement,
    step: entry.baseIncrement,
    reference: entry.reference,
    maxTradeQty: entry.maxTradeSize,
  });
  return {
    id,
    spec,
    priceDecimals: decimalsOfUnits(spec.tickUnits),
    listing: {
      id,
      base_currency: base,
      quote_currency: quote,
      quote_increment: entry.quoteIncrement,
      base_increment: entry.baseIncrement,
      display_name: `${base}-${quote}`,
      min_market_funds: trimDecimal(entry.minMarketFunds),
      margin_enabled: false,
      post_only: false,
      limit_only: false,
      cancel_only: false,
      status: 'online',
      status_message: '',
      trading_disabled: false,
      fx_stablecoin: false,
      max_slippage_percentage: '0.02000000',
      auction_mode: false,
      high_bid_limit_percentage: '',
    },
  };
}
