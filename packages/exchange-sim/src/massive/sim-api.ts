/** The handle, counters and faults of a running Massive simulator. */
import type { SimFaults } from '../fault-controls';
import type { VenueSim } from '../venue/venue-sim-api';
import { createVenueStats, type VenueSimStats } from '../venue/venue-stats';

export interface MassiveSimStats extends VenueSimStats {
  /** Array frames of market data sent. */
  dataFramesSent: number;
  /** Auth messages answered with `auth_failed` (wrong key, or a plan without this feed). */
  authFailures: number;
  /** Connections closed with `auth_timeout`. */
  authTimeouts: number;
  /** Older connections closed with `max_connections` because a newer one of the same key authenticated. */
  maxConnectionsClosed: number;
  /** Requests to the batch snapshot, and the tickers the latest one named. */
  snapshotRequests: number;
  lastSnapshotTickers: number;
  /** REST requests refused with 401 (missing or unknown key) and 403 (not in the plan). */
  rest401: number;
  rest403: number;
}

export function createMassiveStats(): MassiveSimStats {
  return {
    ...createVenueStats(),
    dataFramesSent: 0,
    authFailures: 0,
    authTimeouts: 0,
    maxConnectionsClosed: 0,
    snapshotRequests: 0,
    lastSnapshotTickers: 0,
    rest401: 0,
    rest403: 0,
  };
}

export interface MassiveSimFaults extends SimFaults {
  /** Every authenticated connection gets `slow_consumer` and is closed. */
  slowConsumer(): void;
  /** Opens or closes the market: closed, nothing trades, sockets stay open and silent, the status says `closed`. */
  setMarketOpen(open: boolean): void;
}

/**
 * A running Massive simulator. `subscriptions()` keys are `T.AAPL`, `Q.AAPL`, `AM.AAPL`;
 * `recentEvents()` holds one event per `T`, `Q` and `AM` event, before batching into frames.
 */
export type MassiveSim = VenueSim<MassiveSimStats, MassiveSimFaults>;
