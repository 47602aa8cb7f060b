/**
 * Coinbase Exchange endpoints and limits, each a named constant with its unit.
 * Docs: https://docs.cdp.coinbase.com/exchange/websocket-feed/rate-limits and
 * https://docs.cdp.coinbase.com/exchange/rest-api/rate-limits
 *
 * Numbers marked "not documented" are Tickwire's own ceilings, not Coinbase's.
 */
import { NO_DOCUMENTED_CONNECTION_AGE_LIMIT_MS } from '../exchange-adapter';
import type { ExchangeLimits } from '../exchange-adapter';

/** Protocol documentation the adapter follows. */
export const COINBASE_DOCS_URL = 'https://docs.cdp.coinbase.com/exchange/websocket-feed/overview';
export const COINBASE_CHANNELS_DOCS_URL = 'https://docs.cdp.coinbase.com/exchange/websocket-feed/channels';
export const COINBASE_RATE_LIMITS_DOCS_URL =
  'https://docs.cdp.coinbase.com/exchange/websocket-feed/rate-limits';
export const COINBASE_REST_TICKER_DOCS_URL =
  'https://docs.cdp.coinbase.com/api-reference/exchange-api/rest-api/products/get-product-ticker';

/** The public market-data feed (formerly `wss://ws-feed.pro.coinbase.com`, `wss://ws-feed.gdax.com`). */
export const COINBASE_DEFAULT_WS_URL = 'wss://ws-feed.exchange.coinbase.com';
export const COINBASE_SANDBOX_WS_URL = 'wss://ws-feed-public.sandbox.exchange.coinbase.com';
export const COINBASE_DEFAULT_REST_URL = 'https://api.exchange.coinbase.com';

/** "You must subscribe within 5 s or the server disconnects you." */
export const COINBASE_SUBSCRIBE_DEADLINE_MS = 5_000;

/** The `heartbeat` channel sends one message per product per second. */
export const COINBASE_HEARTBEAT_INTERVAL_MS = 1_000;

/** Connection requests per {@link COINBASE_CONNECT_WINDOW_MS} per IP ("8 requests/s per IP, bursts up to 20"). */
export const COINBASE_MAX_CONNECTS_PER_WINDOW = 8;
export const COINBASE_CONNECT_WINDOW_MS = 1_000;
export const COINBASE_MAX_CONNECT_BURST = 20;

/**
 * Messages the client sends per second. The docs give "100 messages/s per IP", and since 2024 an
 * inbound limit of 10 per second (burst 1000) next to "8 requests/s per IP": we keep to the
 * smallest. One subscribe message carries every product and channel, so a relay needs few.
 */
export const COINBASE_MAX_CLIENT_MESSAGES_PER_SECOND = 8;

/**
 * Subscriptions to one product on one channel per account or IP; duplicates count, so a
 * product must never be subscribed twice on a channel (make-before-break rotation uses 2).
 */
export const COINBASE_MAX_SUBSCRIPTIONS_PER_PRODUCT_CHANNEL = 10;

/**
 * Streams (product x channel) on one connection. Not documented; Tickwire's ceiling, room for
 * 500 products with ticker and heartbeat.
 */
export const COINBASE_MAX_STREAMS_PER_CONNECTION = 1_000;

/** Streams per subscribe/unsubscribe message. Not documented; keeps each frame a few kB. */
export const COINBASE_MAX_STREAMS_PER_CONTROL_FRAME = 200;

/** Public REST endpoints: requests per second per IP ("up to 15 in bursts"); 429 beyond. */
export const COINBASE_MAX_REST_REQUESTS_PER_SECOND = 10;
export const COINBASE_MAX_REST_BURST = 15;
export const COINBASE_REST_WINDOW_MS = 1_000;

export const COINBASE_LIMITS: Readonly<ExchangeLimits> = Object.freeze({
  maxStreamsPerConnection: COINBASE_MAX_STREAMS_PER_CONNECTION,
  maxStreamsPerControlFrame: COINBASE_MAX_STREAMS_PER_CONTROL_FRAME,
  maxClientMessagesPerSecond: COINBASE_MAX_CLIENT_MESSAGES_PER_SECOND,
  maxConnectsPerWindow: COINBASE_MAX_CONNECTS_PER_WINDOW,
  connectWindowMs: COINBASE_CONNECT_WINDOW_MS,
  maxConnectionAgeMs: NO_DOCUMENTED_CONNECTION_AGE_LIMIT_MS,
  subscribeDeadlineMs: COINBASE_SUBSCRIBE_DEADLINE_MS,
  restRateLimits: Object.freeze([
    Object.freeze({ maxRequests: COINBASE_MAX_REST_REQUESTS_PER_SECOND, windowMs: COINBASE_REST_WINDOW_MS }),
  ]),
});
