/**
 * Finnhub endpoints and limits, each a named constant with its unit.
 * Docs: https://finnhub.io/docs/api/websocket-trades and https://finnhub.io/docs/api/rate-limit
 *
 * Numbers marked "not documented" are Tickwire's own ceilings, not Finnhub's.
 */
import { NO_DOCUMENTED_CONNECTION_AGE_LIMIT_MS } from '../exchange-adapter';
import type { ExchangeLimits, PlanLimit } from '../exchange-adapter';

/** Protocol documentation the adapter follows. */
export const FINNHUB_DOCS_URL = 'https://finnhub.io/docs/api/websocket-trades';
export const FINNHUB_QUOTE_DOCS_URL = 'https://finnhub.io/docs/api/quote';
export const FINNHUB_RATE_LIMIT_DOCS_URL = 'https://finnhub.io/docs/api/rate-limit';

/** The socket; the API key goes into its `token` query parameter. */
export const FINNHUB_DEFAULT_WS_URL = 'wss://ws.finnhub.io';
/** REST host; the quote is `/api/v1/quote`. */
export const FINNHUB_DEFAULT_REST_URL = 'https://finnhub.io';

/**
 * "1 API key can only open 1 connection at a time." A second connection was seen to drop both,
 * so only the leader pod may connect, and reconnects must close the old socket first.
 */
export const FINNHUB_MAX_CONNECTIONS_PER_API_KEY = 1;

/**
 * Symbols one connection may stream on the free plan (two independent 2026 measurements): the
 * 51st or 52nd subscribe is answered with `{"type":"error","msg":"Subscribing to too many
 * symbols"}` and stays silent. Unsubscribing frees a slot. Paid plans allow more.
 */
export const FINNHUB_FREE_MAX_SYMBOLS_PER_CONNECTION = 50;

/** REST calls per minute on the free plan; beyond it Finnhub answers HTTP 429. */
export const FINNHUB_FREE_MAX_REST_CALLS_PER_MINUTE = 60;
export const FINNHUB_REST_MINUTE_MS = 60_000;

/** "On top of all plan's limit, there is a 30 API calls/ second limit." */
export const FINNHUB_MAX_REST_CALLS_PER_SECOND = 30;
export const FINNHUB_REST_SECOND_MS = 1_000;

/**
 * Subscribe/unsubscribe frames per second. Not documented for the socket: we stay at the one
 * per-second ceiling Finnhub does document (the API's 30 calls/s), so 50 symbols take < 2 s.
 */
export const FINNHUB_MAX_CLIENT_MESSAGES_PER_SECOND = 30;

/**
 * Connection attempts per {@link FINNHUB_CONNECT_WINDOW_MS}. Not documented: one per second lets
 * Finnhub release the previous connection of the key first (a connection opened while the token
 * was still in use was closed within a second, finnhubio/Finnhub-API#158).
 */
export const FINNHUB_MAX_CONNECTS_PER_WINDOW = 1;
export const FINNHUB_CONNECT_WINDOW_MS = 1_000;

/**
 * The handshake status for a wrong or sandbox key (Finnhub support: use the normal key). Retrying
 * cannot fix it: the operator must change the key.
 */
export const FINNHUB_UNAUTHORIZED_HANDSHAKE_STATUS = 401;

/** Limits for a plan with `maxSymbols` symbols per connection and `restCallsPerMinute` REST calls. */
export function finnhubLimits(maxSymbols: number, restCallsPerMinute: number): Readonly<ExchangeLimits> {
  return Object.freeze({
    maxStreamsPerConnection: maxSymbols,
    // One symbol per subscribe message is the documented form.
    maxStreamsPerControlFrame: 1,
    maxClientMessagesPerSecond: FINNHUB_MAX_CLIENT_MESSAGES_PER_SECOND,
    maxConnectsPerWindow: FINNHUB_MAX_CONNECTS_PER_WINDOW,
    connectWindowMs: FINNHUB_CONNECT_WINDOW_MS,
    // No cut is documented; with one connection per key, rotating would only open a gap.
    maxConnectionAgeMs: NO_DOCUMENTED_CONNECTION_AGE_LIMIT_MS,
    maxConnectionsPerKey: FINNHUB_MAX_CONNECTIONS_PER_API_KEY,
    restRateLimits: Object.freeze([
      Object.freeze({ maxRequests: restCallsPerMinute, windowMs: FINNHUB_REST_MINUTE_MS }),
      Object.freeze({ maxRequests: FINNHUB_MAX_REST_CALLS_PER_SECOND, windowMs: FINNHUB_REST_SECOND_MS }),
    ]),
  });
}

/** The free plan's limits. */
export const FINNHUB_FREE_LIMITS: Readonly<ExchangeLimits> = finnhubLimits(
  FINNHUB_FREE_MAX_SYMBOLS_PER_CONNECTION,
  FINNHUB_FREE_MAX_REST_CALLS_PER_MINUTE,
);

/**
 * What Finnhub keeps to paid plans that a relay of its markets would use (exchanges.md 6.5, 6.6:
 * the docs' pages say "Premium: Premium Access Required"; a key without them gets HTTP 403 `You
 * don't have access to this resource.`). The free plan has the symbol lists and the socket only.
 */
export const FINNHUB_PLAN_LIMITS: readonly PlanLimit[] = Object.freeze([
  Object.freeze({
    feature: 'candles (stocks, crypto, forex)',
    endpoints: Object.freeze(['/api/v1/stock/candle', '/api/v1/crypto/candle', '/api/v1/forex/candle']),
    plans: 'Premium',
    without:
      'no past candles: /v1/candles answers backfill "unavailable" with BACKFILL_NOT_ENTITLED once Finnhub refuses them, and history starts with the relay',
  }),
  Object.freeze({
    feature: 'forex rates',
    endpoints: Object.freeze(['/api/v1/forex/rates']),
    plans: 'Premium',
    without:
      'not asked for: the relay serves no conversion rates, only the last prices of the pairs it streams',
  }),
]);
