/**
 * The Binance simulator's fixture: the shared one with timings fast enough that every test
 * finishes in a second or two. Call at the top of a test file.
 */
import { startExchangeSim, type ExchangeSim, type SimOptions } from '../index';
import { useVenueFixture, type VenueFixture } from './venue-fixture';

/** Fast timings so every test finishes in a second or two; pings are out of the way unless asked for. */
export const FAST_SIM: SimOptions = {
  tradesPerSecond: 20,
  tickerIntervalMs: 100,
  klineIntervalMs: 100,
  pingIntervalMs: 60_000,
};

export function useSimFixture(defaults: SimOptions = {}): VenueFixture<SimOptions, ExchangeSim> {
  return useVenueFixture(startExchangeSim, { ...FAST_SIM, ...defaults });
}
