/**
 * The scanner's configuration, read once from the environment at the edge. Every variable is
 * documented here with its unit and default, and every error is reported at once. The README's
 * configuration table is generated from CONFIG_DOCS (`pnpm docs:config`).
 */
import { z } from 'zod';
import { EXCHANGE_IDS } from '@tickwire/core';
import { DEFAULT_NAMESPACE } from '@tickwire/cluster';
import {
  defineServiceConfig,
  checkElectionConfig,
  checkRedisConfig,
  electionConfigShape,
  ELECTION_CONFIG_DOCS,
  envInteger,
  envList,
  envMilliseconds,
  envNamespace,
  redisConfigShape,
  REDIS_CONFIG_DOCS,
  serviceConfigShape,
  SERVICE_CONFIG_DOCS,
  type ConfigDocs,
  type ConfigTable,
} from '@tickwire/service';
import { DEFAULT_DELIVERY_WORKER_OPTIONS } from './delivery/delivery-worker';
import { DEFAULT_DISCORD_WEBHOOK_SENDER_OPTIONS } from './delivery/discord-webhook-sender';

/** Exchanges whose symbols a watchlist may hold (core's list); bare symbols belong to DEFAULT_EXCHANGE. */
export { EXCHANGE_IDS };

const shape = {
  ...serviceConfigShape({ port: 8090 }),
  ...redisConfigShape(),
  SCANNER_NAMESPACE: envNamespace().default('tws'),
  ...electionConfigShape(),
  SCAN_INTERVAL_MS: envMilliseconds(1_000, 3_600_000).default(60_000),
  SCAN_CONCURRENCY: envInteger(1, 1_024).default(16),
  MARKET_DATA_NAMESPACE: envNamespace().default(DEFAULT_NAMESPACE),
  DEFAULT_EXCHANGE: z.enum(EXCHANGE_IDS).default('binance'),
  WEBHOOK_HOST_ALLOWLIST: envWebhookHosts().default([]),
  DELIVERY_CONCURRENCY: envInteger(1, 1_024).default(DEFAULT_DELIVERY_WORKER_OPTIONS.maxDestinationsInFlight),
  DELIVERY_MAX_ATTEMPTS: envInteger(1, 100).default(DEFAULT_DELIVERY_WORKER_OPTIONS.maxAttempts),
  DELIVERY_TIMEOUT_MS: envMilliseconds(100, 120_000).default(
    DEFAULT_DISCORD_WEBHOOK_SENDER_OPTIONS.timeoutMs,
  ),
  DELIVERY_CLAIM_IDLE_MS: envMilliseconds(1_000, 3_600_000).default(
    DEFAULT_DELIVERY_WORKER_OPTIONS.claimIdleMs,
  ),
  DELIVERY_USERNAME: z.string().trim().min(1).max(80).optional(),
  SSE_MAX_CLIENTS: envInteger(1, 100_000).default(1_000),
  SSE_HEARTBEAT_MS: envMilliseconds(1_000, 300_000).default(15_000),
};
const schema = z.object(shape);

const configSchema = schema.superRefine((config, ctx) => {
  const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  checkRedisConfig(config, problem, { required: true });
  checkElectionConfig(config, problem);
  if (config.MARKET_DATA_NAMESPACE === config.SCANNER_NAMESPACE)
    problem(
      'MARKET_DATA_NAMESPACE',
      'must differ from SCANNER_NAMESPACE (the pods and the scanner elect apart)',
    );
  if (config.DELIVERY_CLAIM_IDLE_MS <= config.DELIVERY_TIMEOUT_MS)
    problem(
      'DELIVERY_CLAIM_IDLE_MS',
      'must exceed DELIVERY_TIMEOUT_MS, or a live request could be taken over and sent twice',
    );
});

export type Config = z.infer<typeof schema>;

export const CONFIG_DOCS: ConfigDocs<Config> = {
  ...SERVICE_CONFIG_DOCS,
  PORT: 'HTTP port of the scanner API (0 picks a free one).',
  ...REDIS_CONFIG_DOCS,
  REDIS_URL:
    'Standalone Redis (`redis://` or `rediss://`); the scanner needs Redis: set this, `REDIS_SENTINELS` or `REDIS_CLUSTER_NODES`.',
  SCANNER_NAMESPACE:
    "Key prefix and hash tag of the scanner's keys (`<ns>:{<ns>}:leader`, `...:strategy:<id>`, `...:signals`); replicas of one scanner share it. Keep it apart from the pods' `REDIS_NAMESPACE`, and give the pods the same value to see the scanner's heartbeat in their `/health`.",
  ...ELECTION_CONFIG_DOCS,
  SCAN_INTERVAL_MS:
    'How often the active scanner runs its safety-net scan (ms): it catches up closes it missed and evaluates open candles for `openCandle` strategies (closed candles are evaluated as they close); `/health` warns when the last scan is older than two intervals.',
  SCAN_CONCURRENCY: 'Series (symbol, interval) a scan evaluates at once.',
  MARKET_DATA_NAMESPACE:
    "The market-data pods' `REDIS_NAMESPACE`: where the scanner reads candle history, closes and ticks, and registers its watchlists' symbols so the leader subscribes them.",
  DEFAULT_EXCHANGE:
    "Exchange of bare watchlist symbols (`BTCUSDT`): `binance`, `coinbase`, `finnhub` or `massive`; keep it the pods' first `EXCHANGES`. Prefixed symbols (`COINBASE:BTC-USD`) name their own.",
  WEBHOOK_HOST_ALLOWLIST:
    "Hosts besides Discord's (`discord.com`, `discordapp.com`, `canary.discord.com`, `ptb.discord.com`) that webhook destinations may point at (comma list, e.g. a relay), over https; an entry with a scheme is an origin allowed as written (`http://127.0.0.1:9000`, a local relay or test server). The URL keeps Discord's path `/api/webhooks/<id>/<token>`.",
  DELIVERY_CONCURRENCY: 'Destinations (webhooks) served at once; each gets one message at a time.',
  DELIVERY_MAX_ATTEMPTS:
    'Failed attempts (network, timeout, 5xx) before a signal is dead-lettered with the last reason; retries back off with full jitter from 1 s to 60 s.',
  DELIVERY_TIMEOUT_MS: 'Time limit of one webhook request (ms).',
  DELIVERY_CLAIM_IDLE_MS:
    'Signals another replica read and left unacknowledged this long are taken over (it died mid-delivery) (ms); must exceed `DELIVERY_TIMEOUT_MS`.',
  DELIVERY_USERNAME: "Sender name shown on every Discord message; unset: the webhook's own name.",
  SSE_MAX_CLIENTS:
    'Signal streams (`GET /v1/signals/stream`) one replica holds; beyond it new streams get 503 `TOO_MANY_STREAMS` + `Retry-After`.',
  SSE_HEARTBEAT_MS:
    'Longest a signal stream stays silent: idle streams get a comment line this often, so proxies keep them open (ms).',
};

const definition = defineServiceConfig<Config>({
  marker: 'scanner',
  shape,
  schema: configSchema,
  docs: CONFIG_DOCS,
});

/** Every variable the scanner reads. */
export const CONFIG_KEYS = definition.keys;
/** The README's configuration table of the scanner (`pnpm docs:config`). */
export const CONFIG_TABLE: ConfigTable = definition.table;
/** Reads the environment once; throws one ConfigError listing every problem. */
export const loadConfig = definition.load;

export { ConfigError } from '@tickwire/service';

/** Host names (https) or origins with a scheme (`http://127.0.0.1:9000`), as `checkWebhookUrl` reads them. */
function envWebhookHosts() {
  // Host names compare case-insensitively; origins are lower-cased the way URL parsing does.
  return envList()
    .transform((entries) => entries.map((entry) => entry.toLowerCase()))
    .superRefine((entries, ctx) => {
      for (const entry of entries) {
        if (entry.includes('://') ? isOrigin(entry) : HOST_NAME.test(entry)) continue;
        ctx.addIssue({
          code: 'custom',
          message: `"${entry}" is neither a host name (hooks.example.com) nor an origin (http://127.0.0.1:9000)`,
        });
      }
    });
}

const HOST_NAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

function isOrigin(entry: string): boolean {
  try {
    const url = new URL(entry);
    return (
      (url.protocol === 'http:' || url.protocol === 'https:') && url.pathname === '/' && url.search === ''
    );
  } catch {
    return false;
  }
}
