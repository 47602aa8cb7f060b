/**
 * The pod's configuration, read once from the environment at the edge (STYLE rule 9). Every
 * variable is documented here with its unit and default, and every error is reported at once.
 * The README's configuration table is generated from CONFIG_DOCS (`pnpm docs:config`).
 */
import { z } from 'zod';
import {
  defineServiceConfig,
  checkElectionConfig,
  checkRedisConfig,
  electionConfigShape,
  envFlag,
  envInteger,
  envList,
  envMilliseconds,
  envNamespace,
  envSecret,
  envUrl,
  MIN_STREAM_TOKEN_SECRET_BYTES,
  redisConfigShape,
  redisConnectionFrom,
  REDIS_CONFIG_DOCS,
  serviceConfigShape,
  SERVICE_CONFIG_DOCS,
  type ConfigDocs,
  type ConfigTable,
} from '@tickwire/service';
import { EXCHANGE_IDS, parseSymbolList } from '@tickwire/core';
import {
  FINNHUB_NON_STREAMING_FOREX_BROKERS,
  FINNHUB_STREAMING_FOREX_BROKERS,
  fromCanonicalSymbol,
  resolveSymbol,
} from '@tickwire/exchanges';
import { DEFAULT_HISTORY_RETENTION_SPEC, parseHistoryRetention } from './history/retention';
import { parseAssets, type AssetSpec } from './assets/asset-spec';

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

/** Exchanges a cluster can connect to (core's list); the first one listed is the default for bare symbols. */
export { EXCHANGE_IDS };

const symbolList = z.string().transform((raw, ctx) => {
  const { symbols, invalid } = parseSymbolList(raw);
  if (invalid.length > 0) ctx.addIssue({ code: 'custom', message: `invalid symbols: ${invalid.join(', ')}` });
  if (symbols.length === 0) ctx.addIssue({ code: 'custom', message: 'at least one symbol is required' });
  return symbols;
});

/** A Finnhub forex broker whose symbols stream on its socket (`oanda`, `ic markets`, `fxpro`). */
const finnhubForexBroker = z.string().superRefine((broker, ctx) => {
  if (FINNHUB_NON_STREAMING_FOREX_BROKERS.includes(broker))
    ctx.addIssue({
      code: 'custom',
      message: `${broker} does not stream on Finnhub's socket (its docs: FXCM, Forex.com, FHFX do not); use ${FINNHUB_STREAMING_FOREX_BROKERS.join(', ')}`,
    });
  else if (!FINNHUB_STREAMING_FOREX_BROKERS.includes(broker))
    ctx.addIssue({
      code: 'custom',
      message: `${JSON.stringify(broker)} is not a Finnhub forex exchange; use ${FINNHUB_STREAMING_FOREX_BROKERS.join(', ')}`,
    });
});

/** `HISTORY_RETENTION`: per interval, the age after which candles are deleted (null: never). */
const historyRetention = z.string().transform((raw, ctx) => {
  const parsed = parseHistoryRetention(raw);
  if ('problems' in parsed) {
    for (const problem of parsed.problems) ctx.addIssue({ code: 'custom', message: problem });
    return z.NEVER;
  }
  return parsed.retention;
});

const shape = {
  ...serviceConfigShape({ port: 8080 }),
  SYMBOLS: symbolList.default(DEFAULT_SYMBOLS),
  BINANCE_WS_URL: envUrl(['wss:', 'ws:']).default('wss://stream.binance.com:9443'),
  BINANCE_REST_URL: envUrl(['https:', 'http:']).default('https://api.binance.com'),
  BINANCE_STREAMS: envList()
    .pipe(z.array(z.enum(BINANCE_STREAM_KINDS)).min(1))
    .default(['aggTrade', 'ticker']),
  EXCHANGES: envList()
    .pipe(z.array(z.enum(EXCHANGE_IDS)).min(1))
    .default(['binance']),
  COINBASE_WS_URL: envUrl(['wss:', 'ws:']).default('wss://ws-feed.exchange.coinbase.com'),
  COINBASE_REST_URL: envUrl(['https:', 'http:']).default('https://api.exchange.coinbase.com'),
  FINNHUB_WS_URL: envUrl(['wss:', 'ws:']).default('wss://ws.finnhub.io'),
  FINNHUB_REST_URL: envUrl(['https:', 'http:']).default('https://finnhub.io'),
  FINNHUB_API_KEY: z.string().min(1).optional(),
  FINNHUB_MAX_SYMBOLS: envInteger(1, 10_000).default(50),
  FINNHUB_FOREX_EXCHANGES: envList()
    .transform((brokers) => [...new Set(brokers.map((broker) => broker.toLowerCase()))])
    .pipe(z.array(finnhubForexBroker))
    .default(['oanda']),
  MASSIVE_API_KEY: z.string().min(1).optional(),
  MASSIVE_FEED: z.enum(['auto', 'realtime', 'delayed']).default('auto'),
  MASSIVE_REALTIME_WS_URL: envUrl(['wss:', 'ws:']).default('wss://socket.massive.com'),
  MASSIVE_DELAYED_WS_URL: envUrl(['wss:', 'ws:']).default('wss://delayed.massive.com'),
  MASSIVE_REST_URL: envUrl(['https:', 'http:']).default('https://api.massive.com'),
  MASSIVE_REST_CALLS_PER_MINUTE: envInteger(1, 1_000_000).optional(),
  DYNAMIC_SYMBOLS: envFlag().default(true),
  SYMBOL_GRACE_MS: envMilliseconds(1_000, 86_400_000).default(60_000),
  SYMBOL_DEBOUNCE_MS: envMilliseconds(0, 60_000).default(300),
  SYMBOL_CATALOG_REFRESH_MS: envMilliseconds(10_000, 86_400_000).default(3_600_000),
  ASSETS: z.string().optional(),
  ASSET_STALE_MS: envMilliseconds(200, 600_000).default(5_000),
  ASSET_SWITCH_BACK_MS: envMilliseconds(0, 86_400_000).default(30_000),
  ...redisConfigShape(),
  REDIS_NAMESPACE: envNamespace().default('tw'),
  SCANNER_NAMESPACE: envNamespace().optional(),
  STREAM_RETENTION_BATCHES: envInteger(100, 10_000_000).default(10_000),
  ...electionConfigShape(),
  UPSTREAM_WATCHDOG_MS: envMilliseconds(1_000, 600_000).default(15_000),
  UPSTREAM_BACKOFF_BASE_MS: envMilliseconds(10, 60_000).default(500),
  UPSTREAM_BACKOFF_MAX_MS: envMilliseconds(100, 600_000).default(30_000),
  UPSTREAM_BREAKER_FAILURES: envInteger(1, 1_000).default(5),
  REST_FALLBACK_POLL_MS: envMilliseconds(100, 600_000).default(1_000),
  UPSTREAM_BREAKER_RESET_MS: envMilliseconds(100, 3_600_000).default(30_000),
  UPSTREAM_ROTATE_AFTER_MS: envMilliseconds(1_000, 86_400_000).default(82_800_000),
  UPSTREAM_ROTATION_OVERLAP_MS: envMilliseconds(0, 60_000).default(3_000),
  UPSTREAM_SYMBOL_STALE_MS: envMilliseconds(1_000, 3_600_000).default(60_000),
  UPSTREAM_MARKET_STATUS_MS: envMilliseconds(100, 3_600_000).default(60_000),
  STALE_AFTER_MS: envMilliseconds(1_000, 3_600_000).default(30_000),
  PUBLISH_BATCH_MS: envMilliseconds(0, 1_000).default(5),
  SSE_HEARTBEAT_MS: envMilliseconds(1_000, 300_000).default(15_000),
  SSE_RETRY_MS: envMilliseconds(100, 600_000).default(2_000),
  SSE_MAX_CLIENTS: envInteger(1, 1_000_000).default(10_000),
  SSE_MAX_CLIENT_BUFFER_BYTES: envInteger(1_024, 64 * 1024 * 1024).default(256 * 1024),
  SSE_STUCK_CLIENT_MS: envMilliseconds(1_000, 600_000).default(30_000),
  SSE_END_GRACE_MS: envMilliseconds(0, 120_000).default(1_000),
  SSE_FLUSH_INTERVAL_MS: envMilliseconds(0, 1_000).default(5),
  MAX_SYMBOLS_PER_REQUEST: envInteger(1, 1_024).default(100),
  CANDLE_HISTORY: envInteger(1, 10_000).default(500),
  HISTORY_DATABASE_URL: envUrl(['postgres:', 'postgresql:']).optional(),
  HISTORY_RETENTION: z.string().default(DEFAULT_HISTORY_RETENTION_SPEC).pipe(historyRetention),
  HISTORY_FLUSH_MS: envMilliseconds(10, 60_000).default(1_000),
  HISTORY_BATCH_ROWS: envInteger(1, 10_000).default(500),
  HISTORY_QUEUE_MAX_ROWS: envInteger(100, 10_000_000).default(100_000),
  HISTORY_RETENTION_CHECK_MS: envMilliseconds(1_000, 86_400_000).default(3_600_000),
  STREAM_TOKEN_SECRET: envSecret(MIN_STREAM_TOKEN_SECRET_BYTES).optional(),
  GATEWAY_NAMESPACE: envNamespace().default('twg'),
};
const schema = z.object(shape);

/** Rules across variables, reported with the others. */
const checkedSchema = schema.superRefine((config, ctx) => {
  const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  checkRedisConfig(config, problem, { required: false });
  if (config.SCANNER_NAMESPACE !== undefined && redisConnectionFrom(config) === undefined)
    problem('SCANNER_NAMESPACE', 'needs Redis (REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES)');
  const exchanges = new Set(config.EXCHANGES);
  const defaultExchange = config.EXCHANGES[0] ?? 'binance';
  for (const symbol of config.SYMBOLS) {
    const resolved = resolveSymbol(symbol, defaultExchange);
    const exchange = resolved === undefined ? undefined : fromCanonicalSymbol(resolved)?.exchange;
    if (exchange === undefined) problem('SYMBOLS', `${symbol} is not a symbol of ${defaultExchange}`);
    else if (!exchanges.has(exchange))
      problem('SYMBOLS', `${symbol} is a ${exchange} symbol but EXCHANGES is ${config.EXCHANGES.join(',')}`);
  }
  for (const message of parseAssets(config.ASSETS ?? '', defaultExchange, config.EXCHANGES).problems)
    problem('ASSETS', message);
  if (exchanges.has('finnhub') && config.FINNHUB_API_KEY === undefined) {
    problem('FINNHUB_API_KEY', 'is required when EXCHANGES includes finnhub');
  }
  if (exchanges.has('massive') && config.MASSIVE_API_KEY === undefined) {
    problem('MASSIVE_API_KEY', 'is required when EXCHANGES includes massive');
  }
  checkElectionConfig(config, problem);
  if (config.STREAM_TOKEN_SECRET !== undefined && redisConnectionFrom(config) === undefined)
    problem(
      'STREAM_TOKEN_SECRET',
      'needs Redis (REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES): revocations and stream quotas live there',
    );
});

/** Symbols become canonical (`coinbase:btc-usd` -> `COINBASE:BTC-USD`) once they are known to be valid. */
const configSchema = checkedSchema.transform((config) => {
  const defaultExchange = config.EXCHANGES[0] ?? 'binance';
  const symbols = config.SYMBOLS.map((symbol) => resolveSymbol(symbol, defaultExchange) ?? symbol);
  return { ...config, SYMBOLS: [...new Set(symbols)] };
});

export type Config = z.infer<typeof schema>;

/** The assets of `ASSETS`, their sources canonical (the setting was validated on load). */
export function configuredAssets(config: Pick<Config, 'ASSETS' | 'EXCHANGES'>): AssetSpec[] {
  return parseAssets(config.ASSETS ?? '', config.EXCHANGES[0] ?? 'binance', config.EXCHANGES).assets;
}

/** Units and meaning of every variable, in one place: the README table is generated from this. */
export const CONFIG_DOCS: ConfigDocs<Config> = {
  ...SERVICE_CONFIG_DOCS,
  INSTANCE_ID: { text: 'Name of this pod in logs, metrics and `/v1/status`.', shownDefault: 'hostname-pid' },
  SYMBOLS:
    'Comma list of symbols always subscribed (see [Symbols](#symbols): `COINBASE:BTC-USD`, `FINNHUB:AAPL`, `MASSIVE:AAPL`; bare symbols belong to the first of `EXCHANGES`).',
  BINANCE_WS_URL: 'Binance WebSocket base; point it at the simulator to run offline.',
  BINANCE_REST_URL:
    'Binance REST base (REST fallback, weight limit and symbol list from `exchangeInfo`, candle backfill from `klines`).',
  BINANCE_STREAMS:
    'Binance streams per symbol: `ticker`, `miniTicker`, `bookTicker`, `trade`, `aggTrade`. `aggTrade` gives real-time last prices and exact candle volumes, `ticker` the 24 h statistics and best bid/ask once a second.',
  EXCHANGES:
    'Exchanges this cluster connects to: `binance`, `coinbase`, `finnhub`, `massive` (comma list); the first is the default for bare symbols.',
  COINBASE_WS_URL: 'Coinbase Exchange WebSocket feed.',
  COINBASE_REST_URL: 'Coinbase Exchange REST base (product list, REST fallback, candle backfill).',
  FINNHUB_WS_URL: 'Finnhub WebSocket base (the key is sent as `?token=`).',
  FINNHUB_REST_URL: 'Finnhub REST base (symbol lists, REST fallback, candle backfill where the plan allows).',
  FINNHUB_API_KEY:
    'Finnhub API key; required with `finnhub` in `EXCHANGES`. Finnhub allows one connection per key: only the leader uses it.',
  FINNHUB_MAX_SYMBOLS:
    'Symbols your Finnhub plan allows on its one connection (free plan: 50); wanted symbols beyond it are refused and counted.',
  FINNHUB_FOREX_EXCHANGES:
    'Finnhub forex brokers whose pairs are listed (`GET /forex/symbol?exchange=`, one call each per refresh) and streamed on the same one connection (`FINNHUB:OANDA:EUR_USD`; see [Forex](#forex-from-finnhub)): comma list of `oanda`, `ic markets`, `fxpro` (FXCM and Forex.com do not stream); empty for none.',
  MASSIVE_API_KEY:
    "Massive (ex-Polygon) API key; required with `massive` in `EXCHANGES`. Sent in the socket's auth message and as `Authorization: Bearer` on REST, never in a URL. One connection per account and cluster: only the leader uses it.",
  MASSIVE_FEED:
    'Which Massive socket to use: `auto` (the real-time host until it refuses the key, then the delayed host; `/v1/status` shows which as `feed`), `realtime` (Advanced and up: adds quotes) or `delayed` (Starter, Developer: 15 minutes late, trades and minute aggregates).',
  MASSIVE_REALTIME_WS_URL:
    'Massive real-time WebSocket host (`/stocks` is appended); used with `MASSIVE_FEED=realtime` or `auto`.',
  MASSIVE_DELAYED_WS_URL:
    'Massive delayed WebSocket host (`/stocks` is appended); used with `MASSIVE_FEED=delayed`, and by `auto` once the real-time host refused the key.',
  MASSIVE_REST_URL:
    'Massive REST base (reference tickers as the symbol list, the batch snapshot for the REST fallback, market status).',
  MASSIVE_REST_CALLS_PER_MINUTE:
    'REST calls per minute your Massive plan allows: `5` on the free (Basic) plan. Unset: a paid plan (unlimited; the pod stays under 100 per second).',
  DYNAMIC_SYMBOLS: 'Let clients stream any symbol the exchanges list (`true`), or only `SYMBOLS` (`false`).',
  SYMBOL_GRACE_MS:
    'A symbol clients asked for stays subscribed this long after the last client of any pod left (ms).',
  SYMBOL_DEBOUNCE_MS: 'The leader gathers symbol changes this long before subscribing them together (ms).',
  SYMBOL_CATALOG_REFRESH_MS: "How often each pod reloads the exchanges' symbol lists (ms).",
  // `\\|`: a pipe inside a Markdown table cell.
  ASSETS:
    'Assets served under their own name from an ordered list of sources (see [Assets](#assets-with-ordered-sources)): a comma list of `<name>=<source>\\|<source>...`, e.g. `BTC-USD=COINBASE:BTC-USD\\|BTCUSDT`; sources are written like `SYMBOLS` and always carried. Unset: no assets.',
  ASSET_STALE_MS:
    "An asset leaves a source that delivered no tick for this long, or whose venue's connection is not open, for the next healthy one in its list (ms).",
  ASSET_SWITCH_BACK_MS:
    'An asset returns to a source earlier in its list once that one has been healthy this long without a break (ms), so a flapping feed does not flip it back and forth.',
  ...REDIS_CONFIG_DOCS,
  REDIS_URL:
    'Standalone Redis (`redis://` or `rediss://`). With none of `REDIS_URL`, `REDIS_SENTINELS`, `REDIS_CLUSTER_NODES` set, the pod runs the memory engine (one pod, always leader).',
  REDIS_NAMESPACE:
    'Key prefix and hash tag: keys are `<ns>:{<ns>}:leader`, `...:px`, `...:ticks`; pods of one cluster share it.',
  SCANNER_NAMESPACE:
    "The [scanner](#scanner)'s `SCANNER_NAMESPACE`: `/health` then reports its heartbeat (`scanner:heartbeat`). Unset: no such check.",
  STREAM_RETENTION_BATCHES:
    'Batches kept in the stream (approximate `MAXLEN`): how far back `Last-Event-ID` can resume.',
  LEADER_LEASE_MS:
    'TTL of the leader lock (ms): the longest a dead leader can keep the cluster without an upstream.',
  LEADER_RENEW_MS: "Interval between the leader's renews (ms).",
  LEADER_RENEW_DEADLINE_MS:
    'The leader stops its upstream and steps down when no renew succeeded for this long (ms); must lie between renew and lease.',
  LEADER_RETRY_MS:
    "Interval between a follower's attempts to acquire the lock (ms); a release triggers one at once.",
  UPSTREAM_WATCHDOG_MS:
    'Reconnect when the exchange sent no frame for this long (ms). Streams the exchange pushes on a cadence (Binance `@ticker`/`@miniTicker` every second, klines every 1–2 s; Coinbase `heartbeat` every second) tell silence sooner: after 3 missed pushes (about 3 s) the connection reports `silent` and the pod `degraded`, until the next frame; the watchdog still does the reconnecting. Finnhub sends trades only, so there only the watchdog notices.',
  UPSTREAM_BACKOFF_BASE_MS: 'First reconnect delay before jitter (ms); doubles per failure (full jitter).',
  UPSTREAM_BACKOFF_MAX_MS: 'Cap of the reconnect delay (ms).',
  UPSTREAM_BREAKER_FAILURES:
    'Failed connects (refused, failed or timed-out handshakes, every shard of the exchange together) within a rolling minute that open the connect circuit breaker (opossum): the 5th opens it, however many connects succeeded before or between; once a trial closes it, counting starts afresh. While open no connect is tried.',
  UPSTREAM_BREAKER_RESET_MS:
    'How long the open breaker waits before one trial connect (half-open); success closes it (ms).',
  UPSTREAM_ROTATE_AFTER_MS:
    "Replace each exchange connection this long after it opened, make-before-break (no tick lost), ahead of Binance's 24 h cut (ms).",
  UPSTREAM_ROTATION_OVERLAP_MS:
    'During a rotation both connections deliver (duplicate frames dropped) this long before the old one closes (ms).',
  UPSTREAM_SYMBOL_STALE_MS:
    'A symbol whose open stream delivered nothing this long is unsubscribed and subscribed again (ms).',
  UPSTREAM_MARKET_STATUS_MS:
    'How often to ask an exchange with market hours (Massive: `/v1/marketstatus/now`) whether its market trades (ms). While it says `closed`, the open socket may stay silent: no watchdog reconnects or re-subscribes, and `/v1/status` shows `market.state: "closed"` instead of a broken feed.',
  REST_FALLBACK_POLL_MS:
    'While the exchange WebSocket is down (or its breaker open), poll the REST tickers this often (ms): every symbol in one request where the exchange allows it (Binance; the Massive batch snapshot), else one request per symbol (Finnhub, Coinbase). Every REST request of the pod (this fallback and the symbol lists) spends from one budget per exchange, half of the exchange\'s limit (Binance: weight from exchangeInfo and `x-mbx-used-weight-1m`; Finnhub, Coinbase: requests per second and minute); 429 holds every request to that exchange exactly `Retry-After`, 418 stops them until the ban lifts. Prices from it carry `source: "rest"`.',
  STALE_AFTER_MS: 'A price older than this is served flagged `stale: true` and fails `/health` (ms).',
  PUBLISH_BATCH_MS: 'How long the leader gathers ticks into one batch (ms; 0 = next event-loop turn).',
  SSE_HEARTBEAT_MS: 'Interval of SSE comment heartbeats that keep proxies from closing idle streams (ms).',
  SSE_RETRY_MS: 'Base of the SSE `retry:` hint; each client gets 1x to 2x this, jittered (ms).',
  SSE_MAX_CLIENTS: 'SSE connections per pod; beyond it new streams get 503 + `Retry-After`.',
  SSE_MAX_CLIENT_BUFFER_BYTES:
    'Unsent bytes per SSE client before it is conflated to the latest value per symbol.',
  SSE_STUCK_CLIENT_MS:
    'A client that stays over its buffer limit this long is disconnected and counted (ms).',
  SSE_END_GRACE_MS:
    'Time a client has to read the final status event of a stream the pod ends (cut for not reading; shutdown, within SHUTDOWN_GRACE_MS) before its connection is dropped (ms).',
  SSE_FLUSH_INTERVAL_MS:
    'Least time between two writes of news to one SSE client (ms); a burst of batches inside it goes out as one write; 0 = next event-loop turn.',
  MAX_SYMBOLS_PER_REQUEST: 'Symbols one `/v1/stream` or `/v1/prices` request may name.',
  CANDLE_HISTORY:
    'Closed candles the cluster keeps per symbol and interval (in Redis, or in memory on the memory engine), and how many intervals back a series is backfilled from the exchange; `/v1/candles` returns at most this many, the open one included.',
  HISTORY_DATABASE_URL:
    'PostgreSQL for [candle history](#candle-history-in-postgresql) (`postgres://user:password@host:5432/db`; a secret): the leader stores every closed and backfilled candle there and `/v1/candles?from=&to=` pages through it. Unset: history is the Redis window only, and `from`/`to` answer 400.',
  HISTORY_RETENTION: {
    text: 'How long the history database keeps candles, per interval: a comma list of `<interval>:<age>` with ages in `h`, `d`, `w`, `y` (365 d) or `forever`; unlisted intervals keep the default. The leader deletes older candles every `HISTORY_RETENTION_CHECK_MS`.',
    shownDefault: `\`${DEFAULT_HISTORY_RETENTION_SPEC}\``,
  },
  HISTORY_FLUSH_MS:
    'The leader writes a batch to the history database this often (ms), at once again while batches come back full.',
  HISTORY_BATCH_ROWS: 'Candle rows per history write transaction.',
  HISTORY_QUEUE_MAX_ROWS:
    'Backfilled candles the leader keeps in memory while the history database is down; beyond it the oldest are dropped and counted, and copied again from the Redis series once it answers. Closes wait in the Redis closes stream instead.',
  HISTORY_RETENTION_CHECK_MS: 'How often the leader deletes candles past their `HISTORY_RETENTION` (ms).',
  STREAM_TOKEN_SECRET:
    "The gateway's `STREAM_TOKEN_SECRET` (at least 32 bytes). Set: `/v1/stream` opens only with a valid stream token (`?token=` or `Authorization: Bearer`), holds each key's quota of concurrent streams, and closes the streams of a revoked key; needs Redis. Unset: streams are open to anyone, as is every other route of the pod.",
  GATEWAY_NAMESPACE:
    "The gateway's `GATEWAY_NAMESPACE`: where the pods read revoked keys and hold stream leases (with `STREAM_TOKEN_SECRET`).",
};

const definition = defineServiceConfig<Config>({
  marker: 'market-data',
  shape,
  schema: configSchema,
  docs: CONFIG_DOCS,
});

/** Every variable the pod reads. */
export const CONFIG_KEYS = definition.keys;
/** The README's configuration table of the pod (`pnpm docs:config`). */
export const CONFIG_TABLE: ConfigTable = definition.table;
/** Reads the environment once; throws one ConfigError listing every problem. */
export const loadConfig = definition.load;

export { ConfigError } from '@tickwire/service';
