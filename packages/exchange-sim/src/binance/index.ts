/** The Binance Spot simulator: combined and raw streams with the control protocol, limits and pings, REST with weights. */
export { CONNECTION_ATTEMPT_WINDOW_MS, MALFORMED_FRAMES, startExchangeSim } from './sim';
export type { BinanceSimFaults, ExchangeSim } from './sim-api';
export { DEFAULT_SIM_OPTIONS } from './options';
export type { SimOptions, UnknownStreamMode } from './options';
export type { SimStats } from './stats';
export { KLINE_INTERVALS } from './kline-intervals';
export type { KlineInterval } from './kline-intervals';
export { REST_WEIGHTS } from './rest-api';
export {
  POLICY_VIOLATION_CLOSE_CODE,
  TOO_MANY_REQUESTS_REASON,
  MAX_AGE_CLOSE_CODE,
  INVALID_CONTROL_FRAME_KEY,
} from './connection';
