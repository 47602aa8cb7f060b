/**
 * Binance simulator options: exported defaults (the real Binance values), merged with what the
 * caller passes, validated once with every problem reported together.
 */
import { OptionChecker, mergeOptions } from '../option-checks';
import { MAX_TIMER_MS, MAX_TRADES_PER_SECOND } from '../options';
import {
  DEFAULT_SYMBOLS,
  RECOGNISED_QUOTE_ASSETS,
  resolveSymbolSpec,
  type SymbolSpec,
} from '../symbol-catalog';

/** How to treat a stream name the simulator does not serve (exchanges.md 1.4: reports conflict). */
export const UNKNOWN_STREAM_MODES = ['silent', 'error-close'] as const;
export type UnknownStreamMode = (typeof UNKNOWN_STREAM_MODES)[number];

/** Options of {@link startExchangeSim}. Every duration is in milliseconds; all are optional. */
export interface SimOptions {
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** TCP port; 0 picks a free one. Default 0. */
  port?: number;
  /** Seed of every price path; the same seed gives the same prices. Default 1. */
  seed?: number;
  /** Symbols to simulate (uppercase or lowercase). Default: the top 8 USDT pairs. */
  symbols?: string[];
  /** Trades per second per symbol; each emits @trade, @aggTrade and @bookTicker. Default 5. */
  tradesPerSecond?: number;
  /** Cadence of @ticker, @miniTicker and !miniTicker@arr. Default 1000 (Binance). */
  tickerIntervalMs?: number;
  /** Cadence of kline updates (1s klines: at most 1000). Default 2000 (Binance). */
  klineIntervalMs?: number;
  /**
   * Interval of server ping frames. Default 20000 (Binance). Clients answer every ping and pongs
   * count toward maxIncomingPerSecond, so keep it well above 1000 / maxIncomingPerSecond.
   */
  pingIntervalMs?: number;
  /** Time a ping may stay unanswered before the connection is terminated. Default 60000. */
  pongTimeoutMs?: number;
  /** Connections are closed at this age. Default 24 h. */
  maxConnectionAgeMs?: number;
  /** Send serverShutdown this long before the age cut; 0 = never. Default 0. */
  shutdownNoticeMs?: number;
  /** Incoming frames (text, ping, pong) per rolling second before close 1008. Default 5. */
  maxIncomingPerSecond?: number;
  /** Streams per connection (URL or SUBSCRIBE). Default 1024. */
  maxStreamsPerConnection?: number;
  /** Unknown streams: accepted and silent, or an error response then close. Default 'silent'. */
  unknownStreamMode?: UnknownStreamMode;
  /** REST request weight per window before 429. Default 6000. */
  restWeightLimitPerMinute?: number;
  /** Requests answered 429 in one window before the IP is banned with 418. Default 3. */
  banAfter429s?: number;
  /** First ban length; repeat bans double, up to 3 days. Default 120000. */
  banMs?: number;
  /** Length of the REST weight window (x-mbx-used-weight-1m); shrink in tests. Default 60000. */
  weightWindowMs?: number;
}

/** Options after defaults, validation and symbol lookup. */
export interface ResolvedSimOptions extends Required<Omit<SimOptions, 'symbols'>> {
  readonly symbols: readonly SymbolSpec[];
}

const DAY_MS = 86_400_000;

/** The real Binance Spot values. */
export const DEFAULT_SIM_OPTIONS: Readonly<Required<SimOptions>> = Object.freeze({
  host: '127.0.0.1',
  port: 0,
  seed: 1,
  symbols: [...DEFAULT_SYMBOLS],
  tradesPerSecond: 5,
  tickerIntervalMs: 1_000,
  klineIntervalMs: 2_000,
  pingIntervalMs: 20_000,
  pongTimeoutMs: 60_000,
  maxConnectionAgeMs: DAY_MS,
  shutdownNoticeMs: 0,
  maxIncomingPerSecond: 5,
  maxStreamsPerConnection: 1024,
  unknownStreamMode: 'silent',
  restWeightLimitPerMinute: 6_000,
  banAfter429s: 3,
  banMs: 120_000,
  weightWindowMs: 60_000,
});

export function resolveSimOptions(options: SimOptions = {}): ResolvedSimOptions {
  const merged = mergeOptions<Required<SimOptions>>(DEFAULT_SIM_OPTIONS, options);
  const check = new OptionChecker(merged, 'exchange-sim');
  check.nonEmptyString('host');
  check.int('port', 0, 65_535);
  check.int('seed', -0x80000000, 0xffffffff);
  check.number('tradesPerSecond', 0, MAX_TRADES_PER_SECOND);
  check.int('tickerIntervalMs', 1, MAX_TIMER_MS);
  check.int('klineIntervalMs', 1, MAX_TIMER_MS);
  check.int('pingIntervalMs', 1, MAX_TIMER_MS);
  check.int('pongTimeoutMs', 1, MAX_TIMER_MS);
  check.int('maxConnectionAgeMs', 1, MAX_TIMER_MS);
  check.int('shutdownNoticeMs', 0, MAX_TIMER_MS);
  check.int('maxIncomingPerSecond', 1, 1_000_000);
  check.int('maxStreamsPerConnection', 1, 1_000_000);
  check.oneOf('unknownStreamMode', UNKNOWN_STREAM_MODES);
  check.int('restWeightLimitPerMinute', 1, 1_000_000_000);
  check.int('banAfter429s', 0, 1_000_000);
  check.int('banMs', 1, MAX_TIMER_MS);
  check.int('weightWindowMs', 1, MAX_TIMER_MS);
  const specs = check
    .stringList(
      'symbols',
      (raw) => resolveSymbolSpec(raw.trim().toUpperCase()) !== undefined,
      `a symbol name such as "BTCUSDT": 2-20 letters/digits ending in one of ${RECOGNISED_QUOTE_ASSETS.join(', ')}`,
    )
    .map((raw) => raw.trim().toUpperCase())
    .filter((symbol, i, all) => all.indexOf(symbol) === i)
    .map((symbol) => resolveSymbolSpec(symbol) as SymbolSpec);
  check.throwIfAny();
  return { ...merged, seed: merged.seed >>> 0, symbols: specs };
}
