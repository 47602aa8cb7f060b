/**
 * Massive (ex-Polygon) hosts and limits, each a named constant with its unit.
 * Docs: https://massive.com/docs/websocket/stocks/overview and exchanges.md Part B 5.1-5.12.
 */
import { NO_DOCUMENTED_CONNECTION_AGE_LIMIT_MS } from '../exchange-adapter';
import type { ExchangeLimits } from '../exchange-adapter';

export const MASSIVE_DOCS_URL = 'https://massive.com/docs/websocket/stocks/overview';

/** Real-time WebSocket host (Advanced and Business plans); the stocks cluster is the `/stocks` path. */
export const MASSIVE_REALTIME_WS_URL = 'wss://socket.massive.com';
/** 15-minute delayed WebSocket host (Starter and Developer plans); carries no quotes (`Q`). */
export const MASSIVE_DELAYED_WS_URL = 'wss://delayed.massive.com';
/** REST host (`api.polygon.io` remains supported for a while). */
export const MASSIVE_DEFAULT_REST_URL = 'https://api.massive.com';

/** Which WebSocket host a key uses: `realtime` needs an Advanced plan or above. */
export type MassiveFeed = 'realtime' | 'delayed';
/** A feed, or `auto`: the real-time host until it refuses the key, then the delayed host. */
export type MassiveFeedSetting = MassiveFeed | 'auto';

/**
 * "Each account comes with access to one simultaneous WebSocket connection per cluster." A second
 * one makes the server close an older one with `max_connections`: only the leader connects, and
 * reconnects are break-before-make.
 */
export const MASSIVE_MAX_CONNECTIONS_PER_CLUSTER = 1;

/**
 * Tickers per connection: "no limit ... as long as you can consume the data fast enough". This is
 * Tickwire's ceiling, so a typo'd list cannot ask for the whole market.
 */
export const MASSIVE_MAX_SYMBOLS_PER_CONNECTION = 5_000;

/** Subscriptions named in one subscribe frame (comma list; the size of a frame is not documented). */
export const MASSIVE_MAX_STREAMS_PER_CONTROL_FRAME = 100;

/** Client frames per second: not documented; a modest ceiling. */
export const MASSIVE_MAX_CLIENT_MESSAGES_PER_SECOND = 10;

/** Connects per window: not documented; one per second gives the server time to drop the old one. */
export const MASSIVE_MAX_CONNECTS_PER_WINDOW = 1;
export const MASSIVE_CONNECT_WINDOW_MS = 1_000;

/** The free (Basic) plan: "5 API calls/min"; paid plans are unlimited, "staying under 100 requests per second". */
export const MASSIVE_FREE_REST_CALLS_PER_MINUTE = 5;
export const MASSIVE_PAID_REST_CALLS_PER_SECOND = 100;
export const MASSIVE_REST_MINUTE_MS = 60_000;
export const MASSIVE_REST_SECOND_MS = 1_000;

/** Limits for a plan allowing `restCallsPerMinute` REST calls (undefined: unlimited, paid). */
export function massiveLimits(restCallsPerMinute: number | undefined): Readonly<ExchangeLimits> {
  return Object.freeze({
    maxStreamsPerConnection: MASSIVE_MAX_SYMBOLS_PER_CONNECTION * 3,
    maxStreamsPerControlFrame: MASSIVE_MAX_STREAMS_PER_CONTROL_FRAME,
    maxClientMessagesPerSecond: MASSIVE_MAX_CLIENT_MESSAGES_PER_SECOND,
    maxConnectsPerWindow: MASSIVE_MAX_CONNECTS_PER_WINDOW,
    connectWindowMs: MASSIVE_CONNECT_WINDOW_MS,
    maxConnectionAgeMs: NO_DOCUMENTED_CONNECTION_AGE_LIMIT_MS,
    maxConnectionsPerKey: MASSIVE_MAX_CONNECTIONS_PER_CLUSTER,
    restRateLimits: Object.freeze([
      restCallsPerMinute === undefined
        ? Object.freeze({ maxRequests: MASSIVE_PAID_REST_CALLS_PER_SECOND, windowMs: MASSIVE_REST_SECOND_MS })
        : Object.freeze({ maxRequests: restCallsPerMinute, windowMs: MASSIVE_REST_MINUTE_MS }),
    ]),
  });
}
