/** The handle of a running Binance Spot simulator and its faults. */
import type { EventFilter, SimEvent } from '../event-log';
import type { SimFaults } from '../fault-controls';
import type { VenueSim } from '../venue/venue-sim-api';
import type { SimStats } from './stats';

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
export interface ExchangeSim extends VenueSim<SimStats, BinanceSimFaults> {
  /** REST base, e.g. http://127.0.0.1:PORT (append /api/v3/...). */
  readonly url: string;
  /** WebSocket base, e.g. ws://127.0.0.1:PORT (append /ws/<stream> or /stream?streams=...). */
  readonly wsUrl: string;
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
  /**
   * Changes the trades per second per symbol of the running feed (0 stops trading; tickers and
   * klines keep their cadence). Throws RangeError outside [0, MAX_TRADES_PER_SECOND].
   */
  setTradesPerSecond(tradesPerSecond: number): void;
}
