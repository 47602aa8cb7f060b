/**
 * Options of the Massive simulator: exported defaults, merged with what the caller passes and
 * validated once, every problem reported together. One simulator plays one host: the real-time
 * (`socket.massive.com`) or the delayed (`delayed.massive.com`) feed, with the REST API beside it.
 */
import { STOCK_SYMBOL_RE } from '../finnhub/instruments';
import { MAX_TIMER_MS, MAX_TRADES_PER_SECOND } from '../options';
import { mergeOptions, OptionChecker } from '../option-checks';

/**
 * The plan of every simulated key (exchanges.md Part B 5.2): `basic` (free: no WebSocket, no
 * snapshot, 5 REST calls a minute), `starter` and `developer` (15-minute delayed WebSocket and
 * snapshots, unlimited calls), `advanced` (real time, quotes).
 */
export type MassivePlan = 'basic' | 'starter' | 'developer' | 'advanced';
export const MASSIVE_PLANS: readonly MassivePlan[] = ['basic', 'starter', 'developer', 'advanced'];

/** Which host the simulator plays. */
export type MassiveSimFeed = 'realtime' | 'delayed';
export const MASSIVE_SIM_FEEDS: readonly MassiveSimFeed[] = ['realtime', 'delayed'];

/** Options of {@link startMassiveSim}. Every duration is in milliseconds; all are optional. */
export interface MassiveSimOptions {
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** TCP port; 0 picks a free one. Default 0. */
  port?: number;
  /** Seed of every price path. Default 1. */
  seed?: number;
  /** API keys accepted by the socket's auth message and by REST (Bearer or `apiKey=`). Default ['sim-key']. */
  apiKeys?: string[];
  /** The plan of every key. Default 'advanced'. */
  plan?: MassivePlan;
  /** The host played: 'realtime' (default) or 'delayed' (times 15 minutes late, no quotes). */
  feed?: MassiveSimFeed;
  /** US stock tickers. Default AAPL, MSFT, AMZN, NVDA, TSLA, SPY. */
  stocks?: string[];
  /** Trades per second per ticker. Default 5. */
  tradesPerSecond?: number;
  /** Events of this long go out as one array frame per connection, types mixed. Default 250. */
  batchIntervalMs?: number;
  /** Per-minute aggregate (`AM`) window; shorter only to test faster. Default 60000. */
  aggregateWindowMs?: number;
  /** A connection that has not authenticated within this long gets `auth_timeout` and is closed. Default 10000. */
  authTimeoutMs?: number;
  /** Whether the market is open: closed, the socket stays open and silent and the status says `closed`. Default true. */
  marketOpen?: boolean;
  /** REST calls per key per clock minute on the `basic` plan before 429. Default 5. */
  freeCallsPerMinute?: number;
  /** Results per page of the reference tickers (`limit` is capped by it). Default 1000. */
  referencePageSize?: number;
}

export interface ResolvedMassiveSimOptions extends Required<MassiveSimOptions> {
  readonly apiKeys: string[];
  readonly stocks: string[];
}

/** How late the delayed feed is: "15-min delayed data". */
export const MASSIVE_DELAY_MS = 15 * 60_000;

export const DEFAULT_MASSIVE_SIM_OPTIONS: Readonly<Required<MassiveSimOptions>> = Object.freeze({
  host: '127.0.0.1',
  port: 0,
  seed: 1,
  apiKeys: ['sim-key'],
  plan: 'advanced',
  feed: 'realtime',
  stocks: ['AAPL', 'MSFT', 'AMZN', 'NVDA', 'TSLA', 'SPY'],
  tradesPerSecond: 5,
  batchIntervalMs: 250,
  aggregateWindowMs: 60_000,
  authTimeoutMs: 10_000,
  marketOpen: true,
  freeCallsPerMinute: 5,
  referencePageSize: 1_000,
});

const API_KEY_RE = /^[A-Za-z0-9_.-]{1,128}$/;

export function resolveMassiveSimOptions(options: MassiveSimOptions = {}): ResolvedMassiveSimOptions {
  const merged = mergeOptions<Required<MassiveSimOptions>>(DEFAULT_MASSIVE_SIM_OPTIONS, options);
  const check = new OptionChecker(merged, 'massive-sim');
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
  );
  const duplicates = stocks.filter((s, i) => stocks.indexOf(s) !== i);
  if (duplicates.length > 0) check.problem(`stocks listed twice: ${[...new Set(duplicates)].join(', ')}`);
  check.oneOf('plan', MASSIVE_PLANS);
  check.oneOf('feed', MASSIVE_SIM_FEEDS);
  check.number('tradesPerSecond', 0, MAX_TRADES_PER_SECOND);
  check.int('batchIntervalMs', 1, MAX_TIMER_MS);
  check.int('aggregateWindowMs', 10, MAX_TIMER_MS);
  check.int('authTimeoutMs', 1, MAX_TIMER_MS);
  check.int('freeCallsPerMinute', 1, 1_000_000);
  check.int('referencePageSize', 1, 1_000);
  if (typeof merged.marketOpen !== 'boolean') check.problem('marketOpen must be true or false');
  check.throwIfAny();
  return { ...merged, seed: merged.seed >>> 0, apiKeys, stocks };
}
