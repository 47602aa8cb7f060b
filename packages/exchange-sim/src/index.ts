/**
 * @tickwire/exchange-sim: protocol-faithful exchange simulators for integration tests, the
 * offline demo and benchmarks: Binance Spot (startExchangeSim), Finnhub (startFinnhubSim) and
 * Coinbase Exchange (startCoinbaseSim), Massive US stocks (startMassiveSim). Each serves its WebSocket feed and REST API on one
 * port, plus fault injection under /_sim/.
 */
export { STOP_GRACE_MS } from './http-host';
export type { SimFaults } from './fault-controls';
export { SimOptionsError } from './options';
export type { SimEvent, EventFilter } from './event-log';
export { EVENTS_KEPT_PER_STREAM } from './event-log';
export type { RestFault, RestFaultStatus } from './fault-state';
export { DEFAULT_SYMBOLS } from './symbol-catalog';
export { MAX_CLIENT_BUFFER_BYTES } from './venue/venue-socket';
export * from './binance';
export * from './finnhub';
export * from './coinbase';
export * from './venue';
export * from './massive';
