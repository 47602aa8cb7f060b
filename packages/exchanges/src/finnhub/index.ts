/** Finnhub adapter: socket URL with the API key, one-symbol control frames, trade, quote and candle parsers. */
export {
  FINNHUB_CONNECT_WINDOW_MS,
  FINNHUB_DEFAULT_REST_URL,
  FINNHUB_DEFAULT_WS_URL,
  FINNHUB_DOCS_URL,
  FINNHUB_FREE_LIMITS,
  FINNHUB_FREE_MAX_REST_CALLS_PER_MINUTE,
  FINNHUB_FREE_MAX_SYMBOLS_PER_CONNECTION,
  FINNHUB_MAX_CLIENT_MESSAGES_PER_SECOND,
  FINNHUB_MAX_CONNECTIONS_PER_API_KEY,
  FINNHUB_MAX_CONNECTS_PER_WINDOW,
  FINNHUB_MAX_REST_CALLS_PER_SECOND,
  FINNHUB_PLAN_LIMITS,
  FINNHUB_QUOTE_DOCS_URL,
  FINNHUB_RATE_LIMIT_DOCS_URL,
  FINNHUB_REST_MINUTE_MS,
  FINNHUB_REST_SECOND_MS,
  FINNHUB_UNAUTHORIZED_HANDSHAKE_STATUS,
  finnhubLimits,
} from './limits';
export {
  FINNHUB_TOKEN_HEADER,
  finnhubCandlesUrl,
  finnhubQuoteUrl,
  finnhubSocketUrl,
  finnhubSymbolListUrl,
} from './urls';
export type { FinnhubMarket } from './urls';
export { finnhubControlFrames, finnhubSubscribeFrames, finnhubUnsubscribeFrames } from './control-frames';
export type { FinnhubControlType } from './control-frames';
export { FINNHUB_SYMBOL_PREFIX, finnhubToSymbol, symbolToFinnhub } from './symbols';
export { FinnhubFeedErrorCode, parseFinnhubMessage, parseFinnhubPayload } from './parse-message';
export { parseFinnhubQuote, parseFinnhubQuoteText } from './rest-quote';
export {
  FINNHUB_FOREX_BROKERS,
  FINNHUB_MAX_CANDLES_PER_REQUEST,
  FINNHUB_NO_ACCESS_MESSAGE,
  FINNHUB_NON_STREAMING_FOREX_BROKERS,
  FINNHUB_STREAMING_FOREX_BROKERS,
  finnhubCandleMarket,
  finnhubCandleRefusal,
  finnhubCandlesPerRequest,
  finnhubResolutionMinutes,
  parseFinnhubCandlesText,
} from './rest-candles';
export { FINNHUB_RATE_LIMITED_STATUS, finnhubRetryDelayMs } from './rest-retry';
export { finnhubListedSymbols, parseFinnhubSymbolListText } from './symbol-list';
export { FinnhubConfigError, FinnhubErrorCode, FinnhubRestError } from './errors';
export { DEFAULT_FINNHUB_ADAPTER_OPTIONS, createFinnhubAdapter } from './finnhub-adapter';
export type { FinnhubAdapterOptions } from './finnhub-adapter';
