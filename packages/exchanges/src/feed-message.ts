/**
 * What an exchange adapter turns one WebSocket text frame into: a tagged union the upstream
 * acts on. Parsers never throw; a frame they cannot read becomes `malformed` (counted and
 * logged by the caller), a frame they do not care about becomes `ignored`.
 */
import type { TickerUpdate } from '@tickwire/core';

/** Request ids as exchanges echo them: Binance allows integers, short strings and null. */
export type RequestId = number | string | null;

/** A `heartbeat` {@link FeedMessage}. */
export interface HeartbeatMessage {
  type: 'heartbeat';
  /**
   * The canonical symbol the heartbeat is about, when the exchange sends one per symbol
   * (Coinbase's `heartbeat` channel: one per product per second). Absent for connection-level
   * keep-alives (Finnhub's `{"type":"ping"}`).
   */
  symbol?: string;
  /**
   * The symbol's feed sequence number at the time of the heartbeat (Coinbase). It is NOT
   * consecutive between heartbeats: it holds the product's current position in the full feed.
   * See `CoinbaseHeartbeatGapDetector` for what it can prove.
   */
  sequence?: number;
  /** The exchange's last trade id for the symbol (Coinbase `last_trade_id`; reported to be 0 at times). */
  lastTradeId?: number;
  /** Exchange time of the heartbeat (ms since the epoch). */
  time?: number;
}

export type FeedMessage =
  /** Normalized price updates (one frame may carry many, e.g. `!miniTicker@arr`). */
  | { type: 'tickers'; updates: TickerUpdate[] }
  /**
   * Successful answer to a control request (SUBSCRIBE & co.); `result` as the exchange sent it.
   * `streams` is set when the exchange answers with its whole subscription state rather than
   * with the request's id (Coinbase's cumulative `subscriptions` message, sent after every
   * subscribe and unsubscribe): every stream now active on the connection, spelled as the
   * adapter's `streamsFor` spells them, so the caller can diff it against what it asked for.
   */
  | { type: 'ack'; id: RequestId; result: unknown; streams?: string[] }
  /** An error frame; `id` is null when the exchange sent none (Binance's invalid-JSON error). */
  | { type: 'error'; id: RequestId; code: number | string; message: string }
  /** The exchange announced it will close this connection soon: reconnect now. */
  | { type: 'shutdown'; time: number }
  /** An application-level keep-alive (Finnhub's text ping, Coinbase heartbeats): proof of life only. */
  | HeartbeatMessage
  /** Valid, but nothing Tickwire uses (unknown event types, retired streams we did not ask for). */
  | { type: 'ignored'; reason: string }
  /** Not what the protocol allows: bad JSON, missing or mistyped fields. */
  | { type: 'malformed'; reason: string };
