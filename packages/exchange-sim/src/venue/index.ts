/** What every simulator shares: the handle shape, counters and close reasons. */
export type { VenueSim } from './venue-sim-api';
export { CloseReason } from './venue-stats';
export type { VenueSimStats } from './venue-stats';
