/** The handle and counters of a running Coinbase Exchange simulator. */
import type { VenueSim } from '../venue/venue-sim-api';
import { createVenueStats, type VenueSimStats } from '../venue/venue-stats';

export interface CoinbaseSimStats extends VenueSimStats {
  /** `subscriptions` acknowledgements sent (one per subscribe and unsubscribe). */
  acksSent: number;
  /** Latest ticker / last_match replays sent to new subscribers. */
  replaysSent: number;
  /** Connections closed with 1008 for sending too many messages per second. */
  closed1008: number;
}

export function createCoinbaseStats(): CoinbaseSimStats {
  return { ...createVenueStats(), acksSent: 0, replaysSent: 0, closed1008: 0 };
}

/**
 * A running Coinbase Exchange simulator. `subscriptions()` and the event log name streams
 * `<channel>:<product>` (`ticker:BTC-USD`), as the adapter does; `recentEvents({symbol})` takes
 * a product id.
 */
export type CoinbaseSim = VenueSim<CoinbaseSimStats>;
