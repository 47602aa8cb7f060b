/**
 * Binance Spot endpoints and limits, each a named constant with its unit.
 * Docs: https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams#websocket-limits
 */
import type { ExchangeLimits } from '../exchange-adapter';

/** Protocol documentation the adapter follows. */
export const BINANCE_DOCS_URL =
  'https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams';
export const BINANCE_REST_DOCS_URL = 'https://developers.binance.com/docs/binance-spot-api-docs/rest-api';

export const BINANCE_DEFAULT_WS_URL = 'wss://stream.binance.com:9443';
export const BINANCE_DEFAULT_REST_URL = 'https://api.binance.com';

/** Streams one connection may carry ("A single connection can listen to a maximum of 1024 streams"). */
export const BINANCE_MAX_STREAMS_PER_CONNECTION = 1024;

/**
 * Streams per SUBSCRIBE/UNSUBSCRIBE frame. Not a documented limit: a 437-stream frame was reported
 * to fail silently (altangent/ccxws#161), so we stay well below that.
 */
export const BINANCE_MAX_STREAMS_PER_CONTROL_FRAME = 200;

/** Incoming messages per second per connection; pings, pongs and control frames all count. */
export const BINANCE_MAX_CLIENT_MESSAGES_PER_SECOND = 5;

/** Connection attempts per IP per {@link BINANCE_CONNECT_WINDOW_MS}. */
export const BINANCE_MAX_CONNECTS_PER_WINDOW = 300;
export const BINANCE_CONNECT_WINDOW_MS = 5 * 60_000;

/** Binance closes every connection at the 24 h mark. */
export const BINANCE_MAX_CONNECTION_AGE_MS = 24 * 60 * 60_000;

/** The server pings every 20 s (since February 2025; Binance.US still 3 min). */
export const BINANCE_SERVER_PING_INTERVAL_MS = 20_000;

/** The server drops a connection that has not answered a ping within 1 minute. */
export const BINANCE_PONG_TIMEOUT_MS = 60_000;

export const BINANCE_LIMITS: Readonly<ExchangeLimits> = Object.freeze({
  maxStreamsPerConnection: BINANCE_MAX_STREAMS_PER_CONNECTION,
  maxStreamsPerControlFrame: BINANCE_MAX_STREAMS_PER_CONTROL_FRAME,
  maxClientMessagesPerSecond: BINANCE_MAX_CLIENT_MESSAGES_PER_SECOND,
  maxConnectsPerWindow: BINANCE_MAX_CONNECTS_PER_WINDOW,
  connectWindowMs: BINANCE_CONNECT_WINDOW_MS,
  maxConnectionAgeMs: BINANCE_MAX_CONNECTION_AGE_MS,
});
