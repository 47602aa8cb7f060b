/**
 * The symbols the simulator can trade, with Binance-like precision: each price is a multiple of
 * the symbol's tick size (PRICE_FILTER.tickSize) and each quantity of its step size
 * (LOT_SIZE.stepSize). Symbols not in the catalog get generic specs derived from their name, so
 * `--symbols FOOUSDT` works as long as the quote asset can be recognised.
 */
import { parseUnits } from './fixed-point';
import { hashString } from './prng';

/** Everything the simulator needs to know about one symbol. */
export interface SymbolSpec {
  /** Uppercase, as in payload `s` ("BTCUSDT"). */
  readonly symbol: string;
  readonly baseAsset: string;
  readonly quoteAsset: string;
  /** PRICE_FILTER.tickSize as Binance prints it ("0.01000000"). */
  readonly tickSize: string;
  /** Tick size in 1e-8 units. */
  readonly tickUnits: bigint;
  /** LOT_SIZE.stepSize as Binance prints it. */
  readonly stepSize: string;
  /** Step size in 1e-8 units. */
  readonly stepUnits: bigint;
  /** Price the seeded path starts its 24 h history from and reverts towards, in ticks. */
  readonly referenceTicks: number;
  /** Largest single trade, in steps; trade sizes are heavy-tailed below it. */
  readonly maxTradeSteps: number;
}

/** What a symbol's spec is built from; decimals as strings ("0.01"), at most 8 fraction digits. */
export interface SymbolSpecInput {
  base: string;
  quote: string;
  /** Price step. */
  tick: string;
  /** Quantity step. */
  step: string;
  /** Price the seeded path starts near and reverts towards. */
  reference: string;
  /** Largest single trade. */
  maxTradeQty: string;
}
type CatalogEntry = SymbolSpecInput;

/** Approximate 2025 levels and Binance filters; exact values do not matter, precision does. */
const CATALOG: Readonly<Record<string, CatalogEntry>> = {
  BTCUSDT: {
    base: 'BTC',
    quote: 'USDT',
    tick: '0.01',
    step: '0.00001',
    reference: '65000',
    maxTradeQty: '0.1',
  },
  ETHUSDT: { base: 'ETH', quote: 'USDT', tick: '0.01', step: '0.0001', reference: '3200', maxTradeQty: '2' },
  BNBUSDT: { base: 'BNB', quote: 'USDT', tick: '0.01', step: '0.001', reference: '600', maxTradeQty: '8' },
  SOLUSDT: { base: 'SOL', quote: 'USDT', tick: '0.01', step: '0.001', reference: '150', maxTradeQty: '30' },
  XRPUSDT: {
    base: 'XRP',
    quote: 'USDT',
    tick: '0.0001',
    step: '0.1',
    reference: '0.55',
    maxTradeQty: '8000',
  },
  DOGEUSDT: {
    base: 'DOGE',
    quote: 'USDT',
    tick: '0.00001',
    step: '1',
    reference: '0.15',
    maxTradeQty: '30000',
  },
  ADAUSDT: {
    base: 'ADA',
    quote: 'USDT',
    tick: '0.0001',
    step: '0.1',
    reference: '0.45',
    maxTradeQty: '10000',
  },
  TRXUSDT: {
    base: 'TRX',
    quote: 'USDT',
    tick: '0.0001',
    step: '0.1',
    reference: '0.12',
    maxTradeQty: '30000',
  },
  LTCUSDT: { base: 'LTC', quote: 'USDT', tick: '0.01', step: '0.001', reference: '80', maxTradeQty: '40' },
  LINKUSDT: { base: 'LINK', quote: 'USDT', tick: '0.01', step: '0.01', reference: '15', maxTradeQty: '200' },
  DOTUSDT: { base: 'DOT', quote: 'USDT', tick: '0.001', step: '0.01', reference: '7', maxTradeQty: '400' },
  AVAXUSDT: { base: 'AVAX', quote: 'USDT', tick: '0.01', step: '0.01', reference: '30', maxTradeQty: '100' },
  ETHBTC: { base: 'ETH', quote: 'BTC', tick: '0.00001', step: '0.0001', reference: '0.05', maxTradeQty: '2' },
  BNBBTC: {
    base: 'BNB',
    quote: 'BTC',
    tick: '0.000001',
    step: '0.001',
    reference: '0.009',
    maxTradeQty: '8',
  },
};

/** The default symbol set: the top 8 USDT pairs. */
export const DEFAULT_SYMBOLS: readonly string[] = [
  'BTCUSDT',
  'ETHUSDT',
  'BNBUSDT',
  'SOLUSDT',
  'XRPUSDT',
  'DOGEUSDT',
  'ADAUSDT',
  'TRXUSDT',
];

/** Quote assets recognised for symbols outside the catalog, longest first so FDUSD wins over USD. */
const QUOTE_ASSETS = [
  'FDUSD',
  'USDT',
  'USDC',
  'TUSD',
  'BUSD',
  'BTC',
  'ETH',
  'BNB',
  'EUR',
  'TRY',
  'BRL',
  'JPY',
];

/** Symbol names Binance accepts: uppercase letters and digits. */
export const SYMBOL_RE = /^[A-Z0-9]{2,20}$/;

const GENERIC_TICK = '0.01';
const GENERIC_STEP = '0.001';
const GENERIC_MAX_TRADE_QTY = '20';
/** Generic reference prices spread over [1.00, 1000.00) so unknown symbols do not all look alike. */
const GENERIC_REFERENCE_CENTS_RANGE = 99_900;

/** Binance prints filter values with 8 fraction digits ("0.01000000"). */
function filterText(decimal: string): string {
  const [whole = '0', fraction = ''] = decimal.split('.');
  return `${whole}.${fraction.padEnd(8, '0')}`;
}

/** Builds the spec of any simulated instrument (Finnhub and Coinbase use their own catalogs). */
export function buildSymbolSpec(symbol: string, entry: SymbolSpecInput): SymbolSpec {
  const tickUnits = parseUnits(entry.tick);
  const stepUnits = parseUnits(entry.step);
  return {
    symbol,
    baseAsset: entry.base,
    quoteAsset: entry.quote,
    tickSize: filterText(entry.tick),
    tickUnits,
    stepSize: filterText(entry.step),
    stepUnits,
    referenceTicks: Number(parseUnits(entry.reference) / tickUnits),
    maxTradeSteps: Math.max(1, Number(parseUnits(entry.maxTradeQty) / stepUnits)),
  };
}

/**
 * The spec for an uppercase symbol, or undefined when it is neither in the catalog nor ends in a
 * recognised quote asset (the caller reports that as an option error).
 */
export function resolveSymbolSpec(symbol: string): SymbolSpec | undefined {
  if (!SYMBOL_RE.test(symbol)) return undefined;
  const known = CATALOG[symbol];
  if (known) return buildSymbolSpec(symbol, known);
  const quote = QUOTE_ASSETS.find((q) => symbol.endsWith(q) && symbol.length > q.length);
  if (!quote) return undefined;
  const reference = genericReferencePrice(symbol);
  return buildSymbolSpec(symbol, {
    base: symbol.slice(0, -quote.length),
    quote,
    tick: GENERIC_TICK,
    step: GENERIC_STEP,
    reference,
    maxTradeQty: GENERIC_MAX_TRADE_QTY,
  });
}

/**
 * A reference price in [1.00, 1000.00) derived from a name, so instruments outside a catalog do
 * not all trade at the same level.
 */
export function genericReferencePrice(name: string): string {
  const cents = 100 + (hashString(name) % GENERIC_REFERENCE_CENTS_RANGE);
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/** Quote assets a symbol outside the catalog may end in (for error messages). */
export const RECOGNISED_QUOTE_ASSETS: readonly string[] = QUOTE_ASSETS;
