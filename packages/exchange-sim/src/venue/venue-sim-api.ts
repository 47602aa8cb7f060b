/**
 * The handle of a running simulator, the same for every exchange, so tests and the testkit
 * drive them alike; `S` adds the exchange's counters and `F` its own faults.
 */
import type { EventFilter, SimEvent } from '../event-log';
import type { SimFaults } from '../fault-controls';
import type { VenueSimStats } from './venue-stats';

export interface VenueSim<S extends VenueSimStats = VenueSimStats, F extends SimFaults = SimFaults> {
  readonly port: number;
  /** REST base, e.g. http://127.0.0.1:PORT. */
  readonly url: string;
  /** WebSocket base, e.g. ws://127.0.0.1:PORT. */
  readonly wsUrl: string;
  /** A snapshot of the counters. */
  stats(): S;
  /** Every stream subscribed now, with the number of connections subscribed to it, sorted by name. */
  subscriptions(): Record<string, number>;
  /**
   * Market-data events the simulator generated, oldest first (bounded per stream), whether or
   * not anyone subscribed.
   */
  recentEvents(filter?: EventFilter): SimEvent[];
  /** Calls `listener` synchronously for every generated event; returns the unsubscribe function. */
  onEvent(listener: (e: SimEvent) => void): () => void;
  readonly faults: F;
  /**
   * Changes the trades per second per symbol of the running feed (0 stops trading). Throws
   * RangeError outside [0, MAX_TRADES_PER_SECOND].
   */
  setTradesPerSecond(tradesPerSecond: number): void;
  /** Closes connections and the listener and clears every timer; idempotent. */
  stop(): Promise<void>;
}
