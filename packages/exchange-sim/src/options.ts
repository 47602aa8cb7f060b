/**
 * Simulator options: exported defaults (the real Binance values), merged with what the caller
 * passes, validated once with every problem reported together (STYLE rules 9 and 11).
 */
import {
  DEFAULT_SYMBOLS,
  RECOGNISED_QUOTE_ASSETS,
  resolveSymbolSpec,
  type SymbolSpec,
} from './symbol-catalog';

/** How to treat a stream name the simulator does not serve (exchanges.md 1.4: reports conflict). */
export type UnknownStreamMode = 'silent' | 'error-close';

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
/** setTimeout cannot wait longer than this (2^31 - 1 ms, about 24.8 days). */
export const MAX_TIMER_MS = 2_147_483_647;
/** Upper bound of tradesPerSecond: above this one process cannot keep up anyway. */
export const MAX_TRADES_PER_SECOND = 100_000;

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

/** Thrown by every start function when options are invalid; lists every problem. */
export class SimOptionsError extends Error {
  readonly code = 'SIM_INVALID_OPTIONS';
  /** @param simulator names the simulator in the message ("finnhub-sim"). */
  constructor(
    readonly problems: readonly string[],
    simulator = 'exchange-sim',
  ) {
    super(`invalid ${simulator} options: ${problems.join('; ')}`);
    this.name = 'SimOptionsError';
  }
}

function isInt(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

export function resolveSimOptions(options: SimOptions = {}): ResolvedSimOptions {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const merged = { ...DEFAULT_SIM_OPTIONS, ...defined } as Required<SimOptions>;
  const problems: string[] = [];
  const requireInt = (name: keyof SimOptions, min: number, max: number): void => {
    if (!isInt(merged[name], min, max)) {
      problems.push(`${name} must be an integer in [${min}, ${max}], got ${JSON.stringify(merged[name])}`);
    }
  };
  if (typeof merged.host !== 'string' || merged.host.length === 0)
    problems.push('host must be a non-empty string');
  requireInt('port', 0, 65_535);
  requireInt('seed', -0x80000000, 0xffffffff);
  if (
    typeof merged.tradesPerSecond !== 'number' ||
    !Number.isFinite(merged.tradesPerSecond) ||
    merged.tradesPerSecond < 0 ||
    merged.tradesPerSecond > MAX_TRADES_PER_SECOND
  ) {
    problems.push(`tradesPerSecond must be a number in [0, ${MAX_TRADES_PER_SECOND}]`);
  }
  requireInt('tickerIntervalMs', 1, MAX_TIMER_MS);
  requireInt('klineIntervalMs', 1, MAX_TIMER_MS);
  requireInt('pingIntervalMs', 1, MAX_TIMER_MS);
  requireInt('pongTimeoutMs', 1, MAX_TIMER_MS);
  requireInt('maxConnectionAgeMs', 1, MAX_TIMER_MS);
  requireInt('shutdownNoticeMs', 0, MAX_TIMER_MS);
  requireInt('maxIncomingPerSecond', 1, 1_000_000);
  requireInt('maxStreamsPerConnection', 1, 1_000_000);
  if (merged.unknownStreamMode !== 'silent' && merged.unknownStreamMode !== 'error-close') {
    problems.push(
      `unknownStreamMode must be 'silent' or 'error-close', got ${JSON.stringify(merged.unknownStreamMode)}`,
    );
  }
  requireInt('restWeightLimitPerMinute', 1, 1_000_000_000);
  requireInt('banAfter429s', 0, 1_000_000);
  requireInt('banMs', 1, MAX_TIMER_MS);
  requireInt('weightWindowMs', 1, MAX_TIMER_MS);

  const specs: SymbolSpec[] = [];
  if (!Array.isArray(merged.symbols) || merged.symbols.length === 0) {
    problems.push('symbols must be a non-empty array of symbol names such as "BTCUSDT"');
  } else {
    const seen = new Set<string>();
    for (const raw of merged.symbols) {
      const symbol = typeof raw === 'string' ? raw.trim().toUpperCase() : '';
      const spec = resolveSymbolSpec(symbol);
      if (!spec) {
        problems.push(
          `symbol ${JSON.stringify(raw)} is not simulated: use 2-20 letters/digits ending in one of ${RECOGNISED_QUOTE_ASSETS.join(', ')}`,
        );
      } else if (!seen.has(symbol)) {
        seen.add(symbol);
        specs.push(spec);
      }
    }
  }
  if (problems.length > 0) throw new SimOptionsError(problems);
  return { ...merged, seed: merged.seed >>> 0, symbols: specs };
}
