/** The handle and counters of a running Finnhub simulator. */
import type { VenueSim } from '../venue/venue-sim-api';
import { createVenueStats, type VenueSimStats } from '../venue/venue-stats';

export interface FinnhubSimStats extends VenueSimStats {
  /** {"type":"ping"} text frames sent. */
  pingsSent: number;
  /** Trade frames sent (each batches the trades of one interval for one connection). */
  tradeFramesSent: number;
  /** Subscribe messages refused with "Subscribing to too many symbols". */
  subscribesOverLimit: number;
  /** REST requests refused with 401 (missing or unknown API key). */
  rest401: number;
}

export function createFinnhubStats(): FinnhubSimStats {
  return { ...createVenueStats(), pingsSent: 0, tradeFramesSent: 0, subscribesOverLimit: 0, rest401: 0 };
}

/**
 * A running Finnhub simulator. `subscriptions()` keys are Finnhub symbols; `recentEvents()`
 * holds one event per trade element (stream = the Finnhub symbol, json = the element's text),
 * before batching into frames.
 */
export type FinnhubSim = VenueSim<FinnhubSimStats>;
