/**
 * Options of the Finnhub simulator: exported defaults (Finnhub's free-plan values), merged
 * with what the caller passes and validated once, every problem reported together.
 */
import { MAX_TIMER_MS, MAX_TRADES_PER_SECOND } from '../options';
import { mergeOptions, OptionChecker } from '../option-checks';
import { FINNHUB_CANDLE_ACCESS_MODES, type FinnhubCandleAccess } from './candles';
import {
  DEFAULT_FINNHUB_CRYPTO,
  DEFAULT_FINNHUB_FOREX,
  DEFAULT_FINNHUB_STOCKS,
  STOCK_SYMBOL_RE,
  VENUE_SYMBOL_RE,
  cryptoInstrument,
  forexInstrument,
  stockInstrument,
  type FinnhubInstrument,
} from './instruments';

/**
 * What a second connection with an API key already in use does: 'close-both' (observed:
 * "opening a second connection dropped both") or 'close-first' (the older one goes).
 */
export type DuplicateConnectionMode = 'close-both' | 'close-first';
export const DUPLICATE_CONNECTION_MODES: readonly DuplicateConnectionMode[] = ['close-both', 'close-first'];

/** Options of {@link startFinnhubSim}. Every duration is in milliseconds; all are optional. */
export interface FinnhubSimOptions {
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** TCP port; 0 picks a free one. Default 0. */
  port?: number;
  /** Seed of every price path. Default 1. */
  seed?: number;
  /** API keys accepted by the socket (`?token=`) and REST (`token=` or X-Finnhub-Token). Default ['sim-key']. */
  apiKeys?: string[];
  /** US stocks (plain tickers). Default AAPL, MSFT, AMZN, NVDA, TSLA, SPY. */
  stocks?: string[];
  /** Crypto as VENUE:PAIR. Default BINANCE:BTCUSDT, BINANCE:ETHUSDT, BINANCE:SOLUSDT. */
  cryptoSymbols?: string[];
  /** FX as VENUE:PAIR; sent as price updates with volume 0. Default OANDA:EUR_USD. */
  forexSymbols?: string[];
  /** Trades (price updates for FX) per second per symbol. Default 5. */
  tradesPerSecond?: number;
  /** Trades of this long are sent as one frame per connection. Default 250. */
  batchIntervalMs?: number;
  /** A connection that got nothing for this long gets a {"type":"ping"} text frame. Default 10000. */
  pingIntervalMs?: number;
  /** Symbols one connection may subscribe; beyond, an error frame and silence. Default 50 (free plan). */
  maxSymbolsPerConnection?: number;
  /** A second connection with a key in use: close both (default) or only the older one. */
  duplicateConnectionMode?: DuplicateConnectionMode;
  /** REST calls per API key per clock minute before 429. Default 60 (free plan). */
  restCallsPerMinute?: number;
  /** REST calls per API key per rolling second before 429. Default 30 (every plan). */
  restCallsPerSecond?: number;
  /**
   * The premium endpoints (candles, forex rates): 'refused' with 403 (default, the free plan) or
   * 'served' (a plan with them).
   */
  candles?: FinnhubCandleAccess;
}

export interface ResolvedFinnhubSimOptions extends Required<
  Omit<FinnhubSimOptions, 'stocks' | 'cryptoSymbols' | 'forexSymbols'>
> {
  readonly instruments: readonly FinnhubInstrument[];
}

/** Finnhub's free-plan values. */
export const DEFAULT_FINNHUB_SIM_OPTIONS: Readonly<Required<FinnhubSimOptions>> = Object.freeze({
  host: '127.0.0.1',
  port: 0,
  seed: 1,
  apiKeys: ['sim-key'],
  stocks: [...DEFAULT_FINNHUB_STOCKS],
  cryptoSymbols: [...DEFAULT_FINNHUB_CRYPTO],
  forexSymbols: [...DEFAULT_FINNHUB_FOREX],
  tradesPerSecond: 5,
  batchIntervalMs: 250,
  pingIntervalMs: 10_000,
  maxSymbolsPerConnection: 50,
  duplicateConnectionMode: 'close-both',
  restCallsPerMinute: 60,
  restCallsPerSecond: 30,
  candles: 'refused',
});

/** API keys: what a URL query can carry without escaping surprises. */
const API_KEY_RE = /^[A-Za-z0-9_.-]{1,128}$/;

export function resolveFinnhubSimOptions(options: FinnhubSimOptions = {}): ResolvedFinnhubSimOptions {
  const merged = mergeOptions<Required<FinnhubSimOptions>>(DEFAULT_FINNHUB_SIM_OPTIONS, options);
  const check = new OptionChecker(merged, 'finnhub-sim');
  check.nonEmptyString('host');
  check.int('port', 0, 65_535);
  check.int('seed', -0x80000000, 0xffffffff);
  const apiKeys = check.stringList(
    'apiKeys',
    (k) => API_KEY_RE.test(k),
    'API keys of 1-128 letters, digits, _ . -',
  );
  const stocks = check.stringList(
    'stocks',
    (s) => STOCK_SYMBOL_RE.test(s),
    'US tickers such as "AAPL" (uppercase)',
    true,
  );
  const crypto = check.stringList(
    'cryptoSymbols',
    (s) => VENUE_SYMBOL_RE.test(s),
    'VENUE:PAIR symbols such as "BINANCE:BTCUSDT" (uppercase)',
    true,
  );
  const forex = check.stringList(
    'forexSymbols',
    (s) => VENUE_SYMBOL_RE.test(s),
    'VENUE:PAIR symbols such as "OANDA:EUR_USD" (uppercase)',
    true,
  );
  const all = [...stocks, ...crypto, ...forex];
  if (all.length === 0) check.problem('stocks, cryptoSymbols and forexSymbols name no symbol at all');
  const duplicates = all.filter((s, i) => all.indexOf(s) !== i);
  if (duplicates.length > 0) check.problem(`symbols listed twice: ${[...new Set(duplicates)].join(', ')}`);
  check.number('tradesPerSecond', 0, MAX_TRADES_PER_SECOND);
  check.int('batchIntervalMs', 1, MAX_TIMER_MS);
  check.int('pingIntervalMs', 1, MAX_TIMER_MS);
  check.int('maxSymbolsPerConnection', 1, 1_000_000);
  check.oneOf('duplicateConnectionMode', DUPLICATE_CONNECTION_MODES);
  check.int('restCallsPerMinute', 1, 1_000_000_000);
  check.int('restCallsPerSecond', 1, 1_000_000_000);
  check.oneOf('candles', FINNHUB_CANDLE_ACCESS_MODES);
  check.throwIfAny();
  return {
    host: merged.host,
    port: merged.port,
    seed: merged.seed >>> 0,
    apiKeys,
    tradesPerSecond: merged.tradesPerSecond,
    batchIntervalMs: merged.batchIntervalMs,
    pingIntervalMs: merged.pingIntervalMs,
    maxSymbolsPerConnection: merged.maxSymbolsPerConnection,
    duplicateConnectionMode: merged.duplicateConnectionMode,
    restCallsPerMinute: merged.restCallsPerMinute,
    restCallsPerSecond: merged.restCallsPerSecond,
    candles: merged.candles,
    instruments: [
      ...stocks.map(stockInstrument),
      ...crypto.map(cryptoInstrument),
      ...forex.map(forexInstrument),
    ],
  };
}
