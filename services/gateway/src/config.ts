/**
 * The gateway's configuration, read once from the environment at the edge. Every variable is
 * documented here with its unit and default, and every error is reported at once. The README's
 * configuration table is generated from CONFIG_DOCS (`pnpm docs:config`). The `pnpm keys` CLI
 * reads the same variables.
 */
import { z } from 'zod';
import {
  defineServiceConfig,
  checkRedisConfig,
  envFlag,
  envInteger,
  envList,
  envMilliseconds,
  envNamespace,
  envSecret,
  envUrl,
  MAX_STREAM_TOKEN_LIFETIME_MS,
  MIN_STREAM_TOKEN_SECRET_BYTES,
  redisConfigShape,
  REDIS_CONFIG_DOCS,
  serviceConfigShape,
  SERVICE_CONFIG_DOCS,
  type ConfigDocs,
  type ConfigTable,
} from '@tickwire/service';
import { ANONYMOUS_ROUTE_GROUPS, type AnonymousRouteGroup } from './http/route-groups';
import { MAX_PRICE_CACHE_TTL_MS } from './routing/price-cache';

/** Node's own default for the request head (bytes); the gateway takes half, a key and cookies fit. */
const DEFAULT_MAX_HEADER_BYTES = 8 * 1024;

const shape = {
  ...serviceConfigShape({ port: 8070 }),
  ...redisConfigShape(),
  GATEWAY_NAMESPACE: envNamespace().default('twg'),
  MARKET_DATA_URLS: envBaseUrls('pod').default(['http://127.0.0.1:8080']),
  SCANNER_URLS: envBaseUrls('scanner').default([]),
  POD_HEALTH_INTERVAL_MS: envMilliseconds(100, 60_000).default(2_000),
  UPSTREAM_TIMEOUT_MS: envMilliseconds(100, 120_000).default(10_000),
  PRICE_CACHE_TTL_MS: envInteger(0, MAX_PRICE_CACHE_TTL_MS, 'ms').default(500),
  PRICE_CACHE_MAX_ENTRIES: envInteger(1, 100_000).default(1_000),
  ANONYMOUS_READ: envAnonymousRoutes().default([]),
  KEY_RATE_LIMIT: envInteger(1, 1_000_000).default(600),
  ANONYMOUS_RATE_LIMIT: envInteger(1, 1_000_000).default(60),
  RATE_LIMIT_WINDOW_MS: envMilliseconds(1_000, 86_400_000).default(60_000),
  AUTH_FAILURE_LIMIT: envInteger(1, 100_000).default(20),
  AUTH_FAILURE_WINDOW_MS: envMilliseconds(1_000, 86_400_000).default(600_000),
  AUTH_THROTTLE_DELAY_MS: envMilliseconds(0, 60_000).default(1_000),
  TRUST_PROXY_HOPS: envInteger(0, 10).default(0),
  BEHIND_TLS: envFlag().default(false),
  MAX_HEADER_BYTES: envInteger(1_024, 65_536, 'bytes').default(DEFAULT_MAX_HEADER_BYTES),
  STREAM_TOKEN_SECRET: envSecret(MIN_STREAM_TOKEN_SECRET_BYTES).optional(),
  STREAM_TOKEN_TTL_MS: envMilliseconds(10_000, MAX_STREAM_TOKEN_LIFETIME_MS).default(600_000),
  MAX_STREAMS_PER_KEY: envInteger(1, 100_000).default(20),
  ANONYMOUS_MAX_STREAMS: envInteger(1, 100_000).default(2),
};
const schema = z.object(shape);

const configSchema = schema.superRefine((config, ctx) => {
  const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  checkRedisConfig(config, problem, { required: true });
  if (config.MARKET_DATA_URLS.length === 0) problem('MARKET_DATA_URLS', 'needs at least one pod URL');
});

export type Config = z.infer<typeof schema>;

export const CONFIG_DOCS: ConfigDocs<Config> = {
  ...SERVICE_CONFIG_DOCS,
  PORT: 'HTTP port of the gateway (0 picks a free one).',
  ...REDIS_CONFIG_DOCS,
  REDIS_URL:
    'Standalone Redis (`redis://` or `rediss://`); the gateway needs Redis (keys, rate limits): set this, `REDIS_SENTINELS` or `REDIS_CLUSTER_NODES`.',
  GATEWAY_NAMESPACE:
    "Key prefix and hash tag of the gateway's keys (`<ns>:{<ns>}:api-keys`, `...:rate:<subject>`); every replica and `pnpm keys` share it.",
  MARKET_DATA_URLS:
    'The market-data pods (comma list of `http://host:port` base URLs, or one load-balanced URL); REST requests go round robin to those whose `/readyz` answers 200.',
  SCANNER_URLS:
    "The scanner's replicas (comma list of `http://host:port` base URLs, or one load-balanced URL) for its owner API through the gateway (`/v1/owners`, `/v1/watchlists`, `/v1/strategies`, `/v1/destinations`, `/v1/signals[/stream]`); ready ones are chosen like pods. Unset: those routes answer 404 `SCANNER_NOT_CONFIGURED` (503 `SCANNER_UNAVAILABLE` is for configured replicas none of which is ready).",
  POD_HEALTH_INTERVAL_MS:
    "How often each pod's (and scanner replica's) `/readyz` is polled (ms); one refusing a request is dropped at once.",
  UPSTREAM_TIMEOUT_MS:
    "Longest wait for a pod's response head, and for each chunk of its body (ms); then 504 `UPSTREAM_TIMEOUT`.",
  PRICE_CACHE_TTL_MS:
    'How long the gateway serves a price answer (`/v1/prices[...]`) from its cache before asking a pod again (ms, at most 1000: the pods allow `max-age=1`); concurrent misses share one pod request; 0 turns the cache off. Operators see its figures at `/v1/admin/cache`.',
  PRICE_CACHE_MAX_ENTRIES: 'Distinct price answers (path and query) the cache keeps; the oldest goes first.',
  ANONYMOUS_READ:
    'What callers without a key may read (comma list of `prices`: prices and the market list, `candles`, `status`, `streams`: stream tokens), limited per IP by `ANONYMOUS_RATE_LIMIT`; unset: nothing, every route needs a key.',
  KEY_RATE_LIMIT: 'Requests one API key may make per `RATE_LIMIT_WINDOW_MS`, counted across every replica.',
  ANONYMOUS_RATE_LIMIT:
    'Requests one client IP may make without a key per `RATE_LIMIT_WINDOW_MS`, counted across every replica.',
  RATE_LIMIT_WINDOW_MS:
    "Length of a rate-limit window (ms); a caller's window starts at its first request (`RateLimit-Policy: w`).",
  AUTH_FAILURE_LIMIT:
    'Failed authentications (unknown, revoked, expired or malformed keys) one IP may make per `AUTH_FAILURE_WINDOW_MS`; past it every keyed request from that IP is refused (429 `AUTH_THROTTLED`) without looking at the key, so keys cannot be guessed at speed.',
  AUTH_FAILURE_WINDOW_MS: 'Window of `AUTH_FAILURE_LIMIT` (ms), from the first failure.',
  AUTH_THROTTLE_DELAY_MS:
    "How long a throttled address's 429 is held before it is sent (ms; 0: at once). A guesser waiting for each answer then makes at most one request per connection per delay, so it cannot crowd out authenticated callers; at most 10,000 refusals are held per replica, past that they are sent at once and close their connection.",
  TRUST_PROXY_HOPS:
    'Proxies in front of the gateway that append to `X-Forwarded-For` (a load balancer: 1). The client IP, used for per-IP limits, is read that many hops from the right; 0: the peer address.',
  BEHIND_TLS:
    'true when clients reach the gateway over HTTPS (TLS terminated at the load balancer): responses then carry `Strict-Transport-Security`.',
  MAX_HEADER_BYTES: 'Largest request head accepted (bytes); larger ones get 431 `HEADERS_TOO_LARGE`.',
  STREAM_TOKEN_SECRET:
    'Secret (at least 32 bytes) that signs stream tokens (`POST /v1/stream-tokens`); the pods verify them with the same value. Unset: the gateway issues none (503 `STREAM_TOKENS_DISABLED`). Keep it in a Secret, never in a ConfigMap.',
  STREAM_TOKEN_TTL_MS:
    'Lifetime of a stream token (ms, at most 1 h): a client must open (or reopen) its stream within it. An open stream is not cut when its token expires; a revoked key cuts it.',
  MAX_STREAMS_PER_KEY:
    "Streams one API key may hold open at once on every pod together (a key's own `maxStreams` overrides it); the pods answer 429 `STREAM_QUOTA_EXCEEDED` past it.",
  ANONYMOUS_MAX_STREAMS:
    'Streams one client IP may hold open at once without a key, when `ANONYMOUS_READ` includes `streams`.',
};

const definition = defineServiceConfig<Config>({
  marker: 'gateway',
  shape,
  schema: configSchema,
  docs: CONFIG_DOCS,
});

/** Every variable the gateway reads. */
export const CONFIG_KEYS = definition.keys;
/** The README's configuration table of the gateway (`pnpm docs:config`). */
export const CONFIG_TABLE: ConfigTable = definition.table;
/** Reads the environment once; throws one ConfigError listing every problem. */
export const loadConfig = definition.load;

export { ConfigError } from '@tickwire/service';

/** Base URLs of a service's replicas, without a path, query or trailing slash (`http://pod-1:8080`). */
function envBaseUrls(what: string) {
  const url = envUrl(['http:', 'https:']);
  return envList()
    .superRefine((urls, ctx) => {
      for (const entry of urls) {
        if (!url.safeParse(entry).success || !isBaseUrl(new URL(entry)))
          ctx.addIssue({
            code: 'custom',
            message: `"${entry}" is not a ${what}'s base URL: write http(s)://host:port without a path`,
          });
      }
    })
    .transform((urls) => urls.map((entry) => new URL(entry).origin));
}

/** Scheme, host and port only: `http://pod:80` is as good as `http://pod` (its origin drops the port). */
function isBaseUrl(url: URL): boolean {
  return (
    url.pathname === '/' && url.search === '' && url.hash === '' && url.username === '' && url.password === ''
  );
}

function envAnonymousRoutes() {
  return envList()
    .superRefine((groups, ctx) => {
      for (const group of groups) {
        if (!(ANONYMOUS_ROUTE_GROUPS as readonly string[]).includes(group))
          ctx.addIssue({
            code: 'custom',
            message: `"${group}" is not a route group: use ${ANONYMOUS_ROUTE_GROUPS.join(', ')}`,
          });
      }
    })
    .transform((groups) => groups as AnonymousRouteGroup[]);
}
