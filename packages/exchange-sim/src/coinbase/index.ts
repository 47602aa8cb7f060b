/** The Coinbase Exchange simulator: ticker/heartbeat/matches feed with Coinbase's quirks, public REST with candles. */
export { COINBASE_MALFORMED_FRAMES, startCoinbaseSim } from './sim';
export type { CoinbaseSim, CoinbaseSimStats } from './sim-api';
export { DEFAULT_COINBASE_SIM_OPTIONS, HEARTBEAT_TRADE_ID_MODES } from './options';
export type { CoinbaseSimOptions, HeartbeatTradeIdMode } from './options';
export { DEFAULT_COINBASE_PRODUCTS } from './products';
export { COINBASE_SIM_CHANNELS } from './payloads';
export type { CoinbaseSimChannel } from './payloads';
export { CoinbaseClientErrors } from './client-messages';
export { COINBASE_RATE_LIMIT_CLOSE_CODE, COINBASE_RATE_LIMIT_CLOSE_REASON } from './connection';
export { CoinbaseRestBodies } from './rest-api';
export { COINBASE_CANDLE_GRANULARITIES, COINBASE_MAX_CANDLES, CoinbaseCandleErrors } from './candles';
