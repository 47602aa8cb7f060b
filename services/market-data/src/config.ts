/**
 * The pod's configuration, read once from the environment at the edge (STYLE rule 9). Every
 * variable is documented here with its unit and default, and every error is reported at once.
 * The README's configuration table mirrors CONFIG_DOCS.
 */
import { hostname } from 'node:os';
import { z } from 'zod';
import { parseSymbolList } from '@tickwire/core';
import { parseRedisAddresses } from '@tickwire/cluster';
import { fromCanonicalSymbol, resolveSymbol } from '@tickwire/exchanges';

/** The top 8 USDT pairs by volume, subscribed when SYMBOLS is not set. */
export const DEFAULT_SYMBOLS = [
  'BTCUSDT',
  'ETHUSDT',
  'BNBUSDT',
  'SOLUSDT',
  'XRPUSDT',
  'DOGEUSDT',
  'ADAUSDT',
  'TRXUSDT',
];

const BINANCE_STREAM_KINDS = ['ticker', 'miniTicker', 'bookTicker', 'trade', 'aggTrade'] as const;

/** Exchanges a cluster can connect to; the first one listed is the default for bare symbols. */
export const EXCHANGE_IDS = ['binance', 'coinbase', 'finnhub'] as const;

const commaList = z.string().transform((raw) =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const symbolList = z.string().transform((raw, ctx) => {
  const { symbols, invalid } = parseSymbolList(raw);
  if (invalid.length > 0) ctx.addIssue({ code: 'custom', message: `invalid symbols: ${invalid.join(', ')}` });
  if (symbols.length === 0) ctx.addIssue({ code: 'custom', message: 'at least one symbol is required' });
  return symbols;
});

const url = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
  );

const schema = z.object({
  PORT: integer(0, 65535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  INSTANCE_ID: z.string().min(1).max(128).default(`${hostname()}-${process.pid}`),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SYMBOLS: symbolList.default(DEFAULT_SYMBOLS),
  BINANCE_WS_URL: url(['wss:', 'ws:']).default('wss://stream.binance.com:9443'),
  BINANCE_REST_URL: url(['https:', 'http:']).default('https://api.binance.com'),
  BINANCE_STREAMS: commaList
    .pipe(z.array(z.enum(BINANCE_STREAM_KINDS)).min(1))
    .default(['aggTrade', 'ticker']),
  EXCHANGES: commaList.pipe(z.array(z.enum(EXCHANGE_IDS)).min(1)).default(['binance']),
  COINBASE_WS_URL: url(['wss:', 'ws:']).default('wss://ws-feed.exchange.coinbase.com'),
  COINBASE_REST_URL: url(['https:', 'http:']).default('https://api.exchange.coinbase.com'),
  FINNHUB_WS_URL: url(['wss:', 'ws:']).default('wss://ws.finnhub.io'),
  FINNHUB_REST_URL: url(['https:', 'http:']).default('https://finnhub.io'),
  FINNHUB_API_KEY: z.string().min(1).optional(),
  FINNHUB_MAX_SYMBOLS: integer(1, 10_000).default(50),
  DYNAMIC_SYMBOLS: flag.default(true),
  SYMBOL_GRACE_MS: integer(1_000, 86_400_000).default(60_000),
  SYMBOL_DEBOUNCE_MS: integer(0, 60_000).default(300),
  SYMBOL_CATALOG_REFRESH_MS: integer(10_000, 86_400_000).default(3_600_000),
  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  REDIS_SENTINELS: z.string().optional(),
  REDIS_SENTINEL_MASTER: z.string().min(1).optional(),
  REDIS_CLUSTER_NODES: z.string().optional(),
  REDIS_PASSWORD: z.string().optional(),
  REDIS_NAMESPACE: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (at most 64)')
    .default('tw'),
  STREAM_RETENTION_BATCHES: integer(100, 10_000_000).default(10_000),
  LEADER_LEASE_MS: integer(100, 600_000).default(5_000),
  LEADER_RENEW_MS: integer(10, 600_000).default(1_250),
  LEADER_RENEW_DEADLINE_MS: integer(50, 600_000).default(3_500),
  LEADER_RETRY_MS: integer(10, 600_000).default(1_000),
  UPSTREAM_WATCHDOG_MS: integer(1_000, 600_000).default(15_000),
  UPSTREAM_BACKOFF_BASE_MS: integer(10, 60_000).default(500),
  UPSTREAM_BACKOFF_MAX_MS: integer(100, 600_000).default(30_000),
  UPSTREAM_BREAKER_FAILURES: integer(1, 1_000).default(5),
  REST_FALLBACK_POLL_MS: integer(100, 600_000).default(1_000),
  UPSTREAM_BREAKER_RESET_MS: integer(100, 3_600_000).default(30_000),
  UPSTREAM_ROTATE_AFTER_MS: integer(1_000, 86_400_000).default(82_800_000),
  UPSTREAM_ROTATION_OVERLAP_MS: integer(0, 60_000).default(3_000),
  UPSTREAM_SYMBOL_STALE_MS: integer(1_000, 3_600_000).default(60_000),
  STALE_AFTER_MS: integer(1_000, 3_600_000).default(30_000),
  PUBLISH_BATCH_MS: integer(0, 1_000).default(5),
  SSE_HEARTBEAT_MS: integer(1_000, 300_000).default(15_000),
  SSE_RETRY_MS: integer(100, 600_000).default(2_000),
  SSE_MAX_CLIENTS: integer(1, 1_000_000).default(10_000),
  SSE_MAX_CLIENT_BUFFER_BYTES: integer(1_024, 64 * 1024 * 1024).default(256 * 1024),
  SSE_STUCK_CLIENT_MS: integer(1_000, 600_000).default(30_000),
  SSE_FLUSH_INTERVAL_MS: integer(0, 1_000).default(5),
  MAX_SYMBOLS_PER_REQUEST: integer(1, 1_024).default(100),
  CANDLE_HISTORY: integer(1, 10_000).default(500),
  SHUTDOWN_GRACE_MS: integer(0, 120_000).default(10_000),
});

/** Rules across variables, reported with the others. */
const checkedSchema = schema.superRefine((config, ctx) => {
  const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  const engines = ['REDIS_URL', 'REDIS_SENTINELS', 'REDIS_CLUSTER_NODES'] as const;
  const chosen = engines.filter((key) => config[key] !== undefined);
  if (chosen.length > 1)
    problem(chosen[1]!, `set only one of ${engines.join(', ')} (got ${chosen.join(' and ')})`);
  if (config.REDIS_SENTINELS !== undefined && config.REDIS_SENTINEL_MASTER === undefined) {
    problem('REDIS_SENTINEL_MASTER', 'is required with REDIS_SENTINELS');
  }
  for (const key of ['REDIS_SENTINELS', 'REDIS_CLUSTER_NODES'] as const) {
    const list = config[key];
    if (list === undefined) continue;
    try {
      if (parseRedisAddresses(list).length === 0) problem(key, 'needs at least one host:port');
    } catch (error) {
      problem(key, (error as Error).message);
    }
  }
  const exchanges = new Set(config.EXCHANGES);
  const defaultExchange = config.EXCHANGES[0] ?? 'binance';
  for (const symbol of config.SYMBOLS) {
    const resolved = resolveSymbol(symbol, defaultExchange);
    const exchange = resolved === undefined ? undefined : fromCanonicalSymbol(resolved)?.exchange;
    if (exchange === undefined) problem('SYMBOLS', `${symbol} is not a symbol of ${defaultExchange}`);
    else if (!exchanges.has(exchange))
      problem('SYMBOLS', `${symbol} is a ${exchange} symbol but EXCHANGES is ${config.EXCHANGES.join(',')}`);
  }
  if (exchanges.has('finnhub') && config.FINNHUB_API_KEY === undefined) {
    problem('FINNHUB_API_KEY', 'is required when EXCHANGES includes finnhub');
  }
  const { LEADER_RENEW_MS: renew, LEADER_RENEW_DEADLINE_MS: deadline, LEADER_LEASE_MS: lease } = config;
  if (!(renew < deadline && deadline < lease)) {
    problem(
      'LEADER_RENEW_DEADLINE_MS',
      `needs LEADER_RENEW_MS (${renew}) < LEADER_RENEW_DEADLINE_MS (${deadline}) < LEADER_LEASE_MS (${lease})`,
    );
  }
});

/** Symbols become canonical (`coinbase:btc-usd` -> `COINBASE:BTC-USD`) once they are known to be valid. */
const configSchema = checkedSchema.transform((config) => {
  const defaultExchange = config.EXCHANGES[0] ?? 'binance';
  const symbols = config.SYMBOLS.map((symbol) => resolveSymbol(symbol, defaultExchange) ?? symbol);
  return { ...config, SYMBOLS: [...new Set(symbols)] };
});

export type Config = z.infer<typeof schema>;

/** Every variable the pod reads. */
export const CONFIG_KEYS = Object.keys(schema.shape) as (keyof Config)[];

/** Units and meaning of every variable, in one place: the README table is generated from this. */
export const CONFIG_DOCS: Record<keyof Config, string> = {
  PORT: 'HTTP port of the API (0 picks a free one).',
  HOST: 'Interface to listen on.',
  INSTANCE_ID: 'Name of this pod in logs, metrics and /v1/status (default: hostname-pid).',
  LOG_LEVEL: 'pino level: fatal, error, warn, info, debug, trace or silent.',
  SYMBOLS: 'Comma list of symbols always subscribed (default: the top 8 USDT pairs).',
  BINANCE_WS_URL: 'Binance WebSocket base; point it at the simulator to run offline.',
  BINANCE_REST_URL: 'Binance REST base (used by the REST fallback and the symbol list).',
  BINANCE_STREAMS: 'Binance streams per symbol: ticker, miniTicker, bookTicker, trade, aggTrade.',
  EXCHANGES:
    'Exchanges this cluster connects to (binance, coinbase, finnhub); the first is the default for bare symbols. See "Symbols".',
  COINBASE_WS_URL: 'Coinbase Exchange WebSocket feed.',
  COINBASE_REST_URL: 'Coinbase Exchange REST base (product list).',
  FINNHUB_WS_URL: 'Finnhub WebSocket base (the API key is added as `?token=`).',
  FINNHUB_REST_URL: 'Finnhub REST base (symbol lists).',
  FINNHUB_API_KEY:
    'Finnhub API key; required with finnhub in EXCHANGES. One connection per key: only the leader uses it.',
  FINNHUB_MAX_SYMBOLS: 'Symbols your Finnhub plan allows on its one connection (free plan: 50).',
  DYNAMIC_SYMBOLS: 'Let clients stream any symbol the exchange lists (true), or only SYMBOLS (false).',
  SYMBOL_GRACE_MS:
    'A symbol a client asked for stays subscribed this long after the last client of any pod left (ms).',
  SYMBOL_DEBOUNCE_MS: 'The leader gathers symbol changes this long before subscribing them together (ms).',
  SYMBOL_CATALOG_REFRESH_MS: "How often each pod reloads the exchanges' symbol lists (ms).",
  REDIS_URL:
    'Standalone Redis (redis:// or rediss://). With none of the three REDIS_ connection settings the pod runs the memory engine (one pod, always leader).',
  REDIS_SENTINELS: 'Sentinel seeds host:port,host:port; selects the Redis engine through Sentinel.',
  REDIS_SENTINEL_MASTER: 'Master group name the Sentinels monitor (required with REDIS_SENTINELS).',
  REDIS_CLUSTER_NODES: 'Redis Cluster seeds host:port,host:port; selects the Redis engine on a Cluster.',
  REDIS_PASSWORD: 'Password for Sentinel or Cluster nodes (a standalone URL carries its own).',
  REDIS_NAMESPACE: 'Key prefix and hash tag: keys are `<ns>:{<ns>}:...`; pods of one cluster share it.',
  STREAM_RETENTION_BATCHES:
    'Batches kept in the stream (approximate MAXLEN): how far back Last-Event-ID can resume.',
  LEADER_LEASE_MS: 'TTL of the leader lock (ms): the longest a dead leader can hold the upstream.',
  LEADER_RENEW_MS: 'Interval between the leader renews (ms).',
  LEADER_RENEW_DEADLINE_MS:
    'The leader stops its upstream and steps down when no renew succeeded for this long (ms, < lease).',
  LEADER_RETRY_MS:
    'Interval between a follower attempts to acquire the lock (ms); a release triggers one at once.',
  UPSTREAM_WATCHDOG_MS:
    'Reconnect when the exchange sent no data frame for this long (ms); streams with a cadence report `silent` (`degraded`) after 3 missed pushes, well before.',
  UPSTREAM_BACKOFF_BASE_MS: 'First reconnect delay before jitter (ms); doubles per failure.',
  UPSTREAM_BACKOFF_MAX_MS: 'Cap of the reconnect delay (ms).',
  UPSTREAM_BREAKER_FAILURES:
    'Failed connects within a minute that open the connect circuit breaker (successful connects between them do not count; it counts afresh once it closes).',
  REST_FALLBACK_POLL_MS:
    'While the exchange WebSocket is down, poll REST tickers this often (ms); starts after half of it.',
  UPSTREAM_BREAKER_RESET_MS: 'How long the open breaker waits before one trial connect (half-open) (ms).',
  UPSTREAM_ROTATE_AFTER_MS:
    "Replace each exchange connection this long after it opened, make-before-break, ahead of Binance's 24 h cut (ms).",
  UPSTREAM_ROTATION_OVERLAP_MS:
    'During a rotation both connections deliver (duplicates dropped) this long before the old one closes (ms).',
  UPSTREAM_SYMBOL_STALE_MS:
    'A symbol whose open stream delivered nothing this long is unsubscribed and subscribed again (ms).',
  STALE_AFTER_MS: 'A price older than this is served flagged stale and fails /health (ms).',
  PUBLISH_BATCH_MS: 'How long the leader gathers ticks into one batch (ms; 0 = next event-loop turn).',
  SSE_HEARTBEAT_MS: 'Interval of SSE comment heartbeats that keep proxies from closing idle streams (ms).',
  SSE_RETRY_MS: 'Base of the SSE `retry:` hint; each client gets up to 2x this, jittered (ms).',
  SSE_MAX_CLIENTS: 'SSE connections per pod; beyond it new streams get 503 + Retry-After.',
  SSE_MAX_CLIENT_BUFFER_BYTES: 'Unsent bytes per SSE client before it is conflated to latest-per-symbol.',
  SSE_STUCK_CLIENT_MS: 'A client that stays over its buffer limit this long is disconnected (ms).',
  SSE_FLUSH_INTERVAL_MS:
    'Least time between two writes of news to one SSE client (ms); a burst inside it goes out as one write; 0 = next event-loop turn.',
  MAX_SYMBOLS_PER_REQUEST: 'Symbols one /v1/stream or /v1/prices request may name.',
  CANDLE_HISTORY:
    'Candles kept per symbol and interval (the open one included); the most /v1/candles returns.',
  SHUTDOWN_GRACE_MS: 'On SIGTERM, time allowed to end streams and close before exiting (ms).',
};

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

/** Reads the environment once; throws one ConfigError listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input = Object.fromEntries(CONFIG_KEYS.map((key) => [key, emptyToUndefined(env[key])]));
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return parsed.data;
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
