/**
 * The pod's configuration, read once from the environment at the edge (STYLE rule 9). Every
 * variable is documented here with its unit and default, and every error is reported at once.
 * The README's configuration table mirrors CONFIG_DOCS.
 */
import { hostname } from 'node:os';
import { z } from 'zod';
import { parseSymbolList } from '@tickwire/core';

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
  BINANCE_STREAMS: z
    .string()
    .transform((raw) =>
      raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(BINANCE_STREAM_KINDS)).min(1))
    .default(['aggTrade', 'ticker']),
  REDIS_URL: z.string().optional(),
  UPSTREAM_WATCHDOG_MS: integer(1_000, 600_000).default(15_000),
  UPSTREAM_BACKOFF_BASE_MS: integer(10, 60_000).default(500),
  UPSTREAM_BACKOFF_MAX_MS: integer(100, 600_000).default(30_000),
  STALE_AFTER_MS: integer(1_000, 3_600_000).default(30_000),
  PUBLISH_BATCH_MS: integer(0, 1_000).default(5),
  SSE_HEARTBEAT_MS: integer(1_000, 300_000).default(15_000),
  SSE_RETRY_MS: integer(100, 600_000).default(2_000),
  SSE_MAX_CLIENTS: integer(1, 1_000_000).default(10_000),
  SSE_MAX_CLIENT_BUFFER_BYTES: integer(1_024, 64 * 1024 * 1024).default(256 * 1024),
  SSE_STUCK_CLIENT_MS: integer(1_000, 600_000).default(30_000),
  MAX_SYMBOLS_PER_REQUEST: integer(1, 1_024).default(100),
  CANDLE_HISTORY: integer(1, 10_000).default(500),
  SHUTDOWN_GRACE_MS: integer(0, 120_000).default(10_000),
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
  REDIS_URL: 'Redis URL; absent selects the memory engine (one pod, always leader).',
  UPSTREAM_WATCHDOG_MS: 'Reconnect when the exchange sent no data frame for this long (ms).',
  UPSTREAM_BACKOFF_BASE_MS: 'First reconnect delay before jitter (ms); doubles per failure.',
  UPSTREAM_BACKOFF_MAX_MS: 'Cap of the reconnect delay (ms).',
  STALE_AFTER_MS: 'A price older than this is served flagged stale and fails /health (ms).',
  PUBLISH_BATCH_MS: 'How long the leader gathers ticks into one batch (ms; 0 = next event-loop turn).',
  SSE_HEARTBEAT_MS: 'Interval of SSE comment heartbeats that keep proxies from closing idle streams (ms).',
  SSE_RETRY_MS: 'Base of the SSE `retry:` hint; each client gets up to 2x this, jittered (ms).',
  SSE_MAX_CLIENTS: 'SSE connections per pod; beyond it new streams get 503 + Retry-After.',
  SSE_MAX_CLIENT_BUFFER_BYTES: 'Unsent bytes per SSE client before it is conflated to latest-per-symbol.',
  SSE_STUCK_CLIENT_MS: 'A client that stays over its buffer limit this long is disconnected (ms).',
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
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return parsed.data;
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
