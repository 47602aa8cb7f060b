/**
 * What an exchange adapter turns one WebSocket text frame into: a tagged union the upstream
 * acts on. Parsers never throw; a frame they cannot read becomes `malformed` (counted and
 * logged by the caller), a frame they do not care about becomes `ignored`.
 */
import type { TickerUpdate } from '@tickwire/core';

/** Request ids as exchanges echo them: Binance allows integers, short strings and null. */
export type RequestId = number | string | null;

export type FeedMessage =
  /** Normalized price updates (one frame may carry many, e.g. `!miniTicker@arr`). */
  | { type: 'tickers'; updates: TickerUpdate[] }
  /** Successful answer to a control request (SUBSCRIBE & co.); `result` as the exchange sent it. */
  | { type: 'ack'; id: RequestId; result: unknown }
  /** An error frame; `id` is null when the exchange sent none (Binance's invalid-JSON error). */
  | { type: 'error'; id: RequestId; code: number | string; message: string }
  /** The exchange announced it will close this connection soon: reconnect now. */
  | { type: 'shutdown'; time: number }
  /** An application-level keep-alive (Finnhub's text ping, Coinbase heartbeats): proof of life only. */
  | { type: 'heartbeat' }
  /** Valid, but nothing Tickwire uses (unknown event types, retired streams we did not ask for). */
  | { type: 'ignored'; reason: string }
  /** Not what the protocol allows: bad JSON, missing or mistyped fields. */
  | { type: 'malformed'; reason: string };
