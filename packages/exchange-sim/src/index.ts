/**
 * @tickwire/exchange-sim: protocol-faithful exchange simulators for integration tests, the
 * offline demo and benchmarks: Binance Spot (startExchangeSim), Finnhub (startFinnhubSim) and
 * Coinbase Exchange (startCoinbaseSim). Each serves its WebSocket feed and REST API on one
 * port, plus fault injection under /_sim/.
 */
export { startExchangeSim, STOP_GRACE_MS } from './sim';
export type { BinanceSimFaults, ExchangeSim, SimFaults } from './sim-api';
export { DEFAULT_SIM_OPTIONS, SimOptionsError } from './options';
export type { SimOptions, UnknownStreamMode } from './options';
export type { SimStats } from './stats';
export type { SimEvent, EventFilter } from './event-log';
export { EVENTS_KEPT_PER_STREAM } from './event-log';
export type { RestFault, RestFaultStatus } from './fault-state';
export { DEFAULT_SYMBOLS } from './symbol-catalog';
export { KLINE_INTERVALS } from './kline-intervals';
export type { KlineInterval } from './kline-intervals';
export { REST_WEIGHTS } from './rest-api';
export { CONNECTION_ATTEMPT_WINDOW_MS, MALFORMED_FRAMES } from './ws-server';
export {
  POLICY_VIOLATION_CLOSE_CODE,
  TOO_MANY_REQUESTS_REASON,
  MAX_AGE_CLOSE_CODE,
  MAX_CLIENT_BUFFER_BYTES,
  INVALID_CONTROL_FRAME_KEY,
} from './ws-connection';
export * from './finnhub';
export * from './coinbase';
export * from './venue';
