/** The Finnhub simulator: trades socket with Finnhub's quirks, quote, symbol-list and candle REST. */
export {
  FINNHUB_DUPLICATE_CLOSE_CODE,
  FINNHUB_DUPLICATE_CLOSE_REASON,
  FINNHUB_MALFORMED_FRAMES,
  startFinnhubSim,
} from './sim';
export type { FinnhubSim, FinnhubSimStats } from './sim-api';
export { DEFAULT_FINNHUB_SIM_OPTIONS, DUPLICATE_CONNECTION_MODES } from './options';
export type { DuplicateConnectionMode, FinnhubSimOptions } from './options';
export { DEFAULT_FINNHUB_CRYPTO, DEFAULT_FINNHUB_FOREX, DEFAULT_FINNHUB_STOCKS } from './instruments';
export type { FinnhubInstrumentKind } from './instruments';
export {
  FINNHUB_PING_FRAME,
  FINNHUB_TOO_MANY_SYMBOLS_FRAME,
  UNKNOWN_SYMBOL_QUOTE_BODY as FINNHUB_UNKNOWN_SYMBOL_QUOTE_BODY,
} from './payloads';
export { FinnhubRestBodies } from './rest-api';
export { FINNHUB_RATE_WINDOW_MS } from './rest-limits';
export { FINNHUB_CANDLE_ACCESS_MODES, FinnhubCandleBodies } from './candles';
export type { FinnhubCandleAccess } from './candles';
