/**
 * @tickwire/client: live prices from Tickwire pods in browsers and Node 20+.
 *
 * - {@link PriceStream}: one Server-Sent Events connection shared by every reader, exact resume,
 *   reconnects with backoff, status and per-symbol staleness, a `subscribe`/`getSnapshot` store.
 * - {@link TickwireClient}: typed REST calls (prices, candles, status, signals) that reuse entity tags.
 *
 * @packageDocumentation
 */
export { PriceStream, PRICE_STREAM_DEFAULTS } from './price-stream';
export type { PriceStreamEvents, PriceStreamOptions, SnapshotEvent, TickEvent } from './price-stream';
export type { Price, PriceStreamSnapshot, StreamStatus } from './price-stream-store';
export { TickwireClient, TICKWIRE_CLIENT_DEFAULTS } from './rest-client';
export type { ClientStreamOptions, TickwireClientOptions } from './rest-client';
export { DEFAULT_API_KEY_HEADER } from './auth-session';
export type { AuthOptions, Credentials } from './auth-session';
export { CLIENT_ERRORS, TickwireClientError } from './client-errors';
export type { ClientErrorCode } from './client-errors';
export { DEFAULT_RECONNECT } from './reconnect-policy';
export type { ReconnectOptions } from './reconnect-policy';
export type * from './wire-types';
