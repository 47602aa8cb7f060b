/**
 * The public shape of a running Binance simulator (implemented by sim.ts, served over HTTP by
 * faults-http.ts), and the fault interface every simulator shares.
 */
import type { EventFilter, SimEvent } from './event-log';
import type { RestFault } from './fault-state';
import type { SimStats } from './stats';

/** Fault injection, the same on every simulator; mirrored over HTTP under /_sim/. */
export interface SimFaults {
  /** Drops every WebSocket connection: abruptly (client sees 1006) without a code, else a close frame with it. */
  dropAll(code?: number): void;
  /** Connections stay open but get no data frames and no pings, for `ms` (0 = until resume()). */
  stall(ms: number): void;
  resume(): void;
  /** Sends `count` malformed text frames to every open connection. */
  sendMalformed(count: number): void;
  /** While on, WebSocket upgrade requests are reset without an answer (REST keeps working). */
  refuseConnections(on: boolean): void;
  /** Answers the next `count` /api requests with `status` (429/418 carry Retry-After). */
  restFault(fault: RestFault): void;
  /** Clears stall, refusal and REST faults, and forgets REST weight, 429s and bans. */
  reset(): void;
}

/** Binance faults: the shared ones plus per-symbol silence. */
export interface BinanceSimFaults extends SimFaults {
  /**
   * While on, connections that are subscribed to `symbol`'s streams NOW get no events of them
   * (the stream is "open but silent", exchanges.md 1.4); a new SUBSCRIBE of such a stream on
   * that connection, or a new connection, delivers again. Events are still generated and
   * logged. Off ends the silence everywhere; reset() too. Throws RangeError for a symbol that
   * is not simulated. Does not touch !miniTicker@arr.
   */
  silenceSymbol(symbol: string, on: boolean): void;
}

/** A running Binance Spot simulator. */
export interface ExchangeSim {
  readonly port: number;
  /** REST base, e.g. http://127.0.0.1:PORT (append /api/v3/...). */
  readonly url: string;
  /** WebSocket base, e.g. ws://127.0.0.1:PORT (append /ws/<stream> or /stream?streams=...). */
  readonly wsUrl: string;
  /** A snapshot of the counters. */
  stats(): SimStats;
  /**
   * The union of the streams subscribed over every open connection, each with the number of
   * connections subscribed to it, sorted by stream name (unknown streams included).
   */
  subscriptions(): Record<string, number>;
  /**
   * Market-data events the simulator generated, oldest first (bounded per stream: the newest
   * EVENTS_KEPT_PER_STREAM). Generated whether or not anyone subscribed, except klines, which
   * exist only while their stream has a subscriber.
   */
  recentEvents(filter?: EventFilter): SimEvent[];
  /** Calls `listener` synchronously for every generated event; returns the unsubscribe function. */
  onEvent(listener: (e: SimEvent) => void): () => void;
  readonly faults: BinanceSimFaults;
  /**
   * Changes the trades per second per symbol of the running feed (0 stops trading; tickers and
   * klines keep their cadence). Throws RangeError outside [0, MAX_TRADES_PER_SECOND].
   */
  setTradesPerSecond(tradesPerSecond: number): void;
  /** Closes connections and the listener and clears every timer; idempotent. */
  stop(): Promise<void>;
}
