/**
 * The instruments the Finnhub simulator serves: US stocks by plain ticker (`AAPL`), crypto and
 * FX as `VENUE:PAIR` (`BINANCE:BTCUSDT`, `OANDA:EUR_USD`; the venue may hold a space,
 * `IC MARKETS:1`). Each gets a price spec for the shared seeded machinery and the entry the
 * symbol-listing endpoints return.
 * Docs: https://finnhub.io/docs/api/websocket-trades, /stock-symbols, /crypto-symbols
 */
import { derivedRandom } from '../prng';
import {
  buildSymbolSpec,
  genericReferencePrice,
  resolveSymbolSpec,
  type SymbolSpec,
  type SymbolSpecInput,
} from '../symbol-catalog';

/** How an instrument trades: stocks and crypto trade, FX only sends price updates (volume 0). */
export type FinnhubInstrumentKind = 'stock' | 'crypto' | 'forex';

export interface FinnhubInstrument {
  /** The Finnhub symbol, as in `s` and in subscribe messages. */
  readonly symbol: string;
  readonly kind: FinnhubInstrumentKind;
  /** Price spec; `spec.symbol` is the Finnhub symbol, so its price path is its own. */
  readonly spec: SymbolSpec;
  /** Lowercase `exchange` parameter of the listing endpoint that returns it (`us`, `binance`, `oanda`). */
  readonly exchange: string;
  /** The element the listing endpoint returns for it, keys in Finnhub's (alphabetical) order. */
  readonly listing: Readonly<Record<string, string | null>>;
}

/** A handful of liquid US stocks. */
export const DEFAULT_FINNHUB_STOCKS: readonly string[] = ['AAPL', 'MSFT', 'AMZN', 'NVDA', 'TSLA', 'SPY'];
/** A few Binance pairs as Finnhub relays them. */
export const DEFAULT_FINNHUB_CRYPTO: readonly string[] = [
  'BINANCE:BTCUSDT',
  'BINANCE:ETHUSDT',
  'BINANCE:SOLUSDT',
];
/** One FX pair: Finnhub sends FX as price updates with volume 0. */
export const DEFAULT_FINNHUB_FOREX: readonly string[] = ['OANDA:EUR_USD'];

/** US tickers: `AAPL`, `BRK.B`. */
export const STOCK_SYMBOL_RE = /^[A-Z][A-Z0-9.]{0,9}$/;
/** `VENUE:PAIR`; venue words of `A-Z 0-9 . -` separated by single spaces. */
export const VENUE_SYMBOL_RE = /^[A-Z0-9.-]+(?: [A-Z0-9.-]+)*:[A-Z0-9][A-Z0-9._/-]*$/;

interface StockEntry {
  readonly description: string;
  readonly mic: string;
  readonly type: string;
  readonly reference: string;
}

/** Approximate 2025 price levels; what matters is the precision, not the level. */
const STOCKS: Readonly<Record<string, StockEntry>> = {
  AAPL: { description: 'APPLE INC', mic: 'XNAS', type: 'Common Stock', reference: '190' },
  MSFT: { description: 'MICROSOFT CORP', mic: 'XNAS', type: 'Common Stock', reference: '420' },
  AMZN: { description: 'AMAZON.COM INC', mic: 'XNAS', type: 'Common Stock', reference: '185' },
  NVDA: { description: 'NVIDIA CORP', mic: 'XNAS', type: 'Common Stock', reference: '120' },
  TSLA: { description: 'TESLA INC', mic: 'XNAS', type: 'Common Stock', reference: '250' },
  GOOGL: { description: 'ALPHABET INC-CL A', mic: 'XNAS', type: 'Common Stock', reference: '165' },
  IBM: {
    description: 'INTERNATIONAL BUSINESS MACHINES CORP',
    mic: 'XNYS',
    type: 'Common Stock',
    reference: '190',
  },
  SPY: { description: 'SPDR S&P 500 ETF TRUST', mic: 'ARCX', type: 'ETP', reference: '520' },
};

/** Stocks trade in whole shares, mostly small lots (`"v":1`, `"v":43`). */
const STOCK_TICK = '0.01';
const STOCK_STEP = '1';
const STOCK_MAX_TRADE_SHARES = '500';

interface ForexEntry {
  readonly tick: string;
  readonly reference: string;
}
const FOREX: Readonly<Record<string, ForexEntry>> = {
  EUR_USD: { tick: '0.00001', reference: '1.08' },
  GBP_USD: { tick: '0.00001', reference: '1.27' },
  USD_JPY: { tick: '0.001', reference: '150' },
};
const GENERIC_FOREX: ForexEntry = { tick: '0.00001', reference: '1.00' };

const GENERIC_CRYPTO_TICK = '0.01';
const GENERIC_CRYPTO_STEP = '0.001';
const GENERIC_CRYPTO_MAX_TRADE = '20';

/** Letters of a FIGI: digits and consonants (FIGIs use no vowels). */
const FIGI_ALPHABET = '0123456789BCDFGHJKLMNPQRSTVWXYZ';
const FIGI_BODY_LENGTH = 9;

/** A FIGI-shaped, seed-independent id (`BBG` + 9 characters). Synthetic: not the real FIGI. */
function syntheticFigi(label: string): string {
  const random = derivedRandom(0, `figi/${label}`);
  let body = '';
  for (let i = 0; i < FIGI_BODY_LENGTH; i++)
    body += FIGI_ALPHABET[Math.floor(random() * FIGI_ALPHABET.length)];
  return `BBG${body}`;
}

function titleCase(venue: string): string {
  return venue
    .split(' ')
    .map((word) => word.charAt(0) + word.slice(1).toLowerCase())
    .join(' ');
}

export function stockInstrument(symbol: string): FinnhubInstrument {
  const entry = STOCKS[symbol] ?? {
    description: `${symbol} SIMULATED INC`,
    mic: 'XNYS',
    type: 'Common Stock',
    reference: genericReferencePrice(symbol),
  };
  const input: SymbolSpecInput = {
    base: symbol,
    quote: 'USD',
    tick: STOCK_TICK,
    step: STOCK_STEP,
    reference: entry.reference,
    maxTradeQty: STOCK_MAX_TRADE_SHARES,
  };
  return {
    symbol,
    kind: 'stock',
    spec: buildSymbolSpec(symbol, input),
    exchange: 'us',
    listing: {
      currency: 'USD',
      description: entry.description,
      displaySymbol: symbol,
      figi: syntheticFigi(symbol),
      isin: null,
      mic: entry.mic,
      shareClassFIGI: syntheticFigi(`${symbol}/share-class`),
      symbol,
      symbol2: '',
      type: entry.type,
    },
  };
}

function splitVenue(symbol: string): { venue: string; pair: string } {
  const colon = symbol.indexOf(':');
  return { venue: symbol.slice(0, colon), pair: symbol.slice(colon + 1) };
}

export function cryptoInstrument(symbol: string): FinnhubInstrument {
  const { venue, pair } = splitVenue(symbol);
  // Binance pairs reuse the Binance catalog's precision (BTCUSDT: 0.01 / 0.00001).
  const known = resolveSymbolSpec(pair.replace(/[^A-Z0-9]/g, ''));
  const spec: SymbolSpec = known
    ? { ...known, symbol }
    : buildSymbolSpec(symbol, {
        base: pair,
        quote: '',
        tick: GENERIC_CRYPTO_TICK,
        step: GENERIC_CRYPTO_STEP,
        reference: genericReferencePrice(symbol),
        maxTradeQty: GENERIC_CRYPTO_MAX_TRADE,
      });
  const display = known ? `${known.baseAsset}/${known.quoteAsset}` : pair;
  return {
    symbol,
    kind: 'crypto',
    spec,
    exchange: venue.toLowerCase(),
    listing: { description: `${titleCase(venue)} ${pair}`, displaySymbol: display, symbol },
  };
}

export function forexInstrument(symbol: string): FinnhubInstrument {
  const { venue, pair } = splitVenue(symbol);
  const entry = FOREX[pair] ?? GENERIC_FOREX;
  const [base = pair, quote = ''] = pair.split(/[_/]/);
  const display = quote === '' ? pair : `${base}/${quote}`;
  return {
    symbol,
    kind: 'forex',
    // FX has no trades: the quantity machinery is unused (volume is always 0).
    spec: buildSymbolSpec(symbol, {
      base,
      quote,
      tick: entry.tick,
      step: '1',
      reference: entry.reference,
      maxTradeQty: '1',
    }),
    exchange: venue.toLowerCase(),
    listing: { description: `${titleCase(venue)} ${display}`, displaySymbol: display, symbol },
  };
}
