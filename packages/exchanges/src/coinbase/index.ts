/** Coinbase Exchange adapter: feed URL, subscribe messages, ticker/match/heartbeat parsers, gap detection. */
export {
  COINBASE_CHANNELS_DOCS_URL,
  COINBASE_CONNECT_WINDOW_MS,
  COINBASE_DEFAULT_REST_URL,
  COINBASE_DEFAULT_WS_URL,
  COINBASE_DOCS_URL,
  COINBASE_HEARTBEAT_INTERVAL_MS,
  COINBASE_LIMITS,
  COINBASE_MAX_CLIENT_MESSAGES_PER_SECOND,
  COINBASE_MAX_CONNECT_BURST,
  COINBASE_MAX_CONNECTS_PER_WINDOW,
  COINBASE_MAX_REST_BURST,
  COINBASE_MAX_REST_REQUESTS_PER_SECOND,
  COINBASE_MAX_STREAMS_PER_CONNECTION,
  COINBASE_MAX_STREAMS_PER_CONTROL_FRAME,
  COINBASE_MAX_SUBSCRIPTIONS_PER_PRODUCT_CHANNEL,
  COINBASE_RATE_LIMITS_DOCS_URL,
  COINBASE_REST_TICKER_DOCS_URL,
  COINBASE_REST_WINDOW_MS,
  COINBASE_SANDBOX_WS_URL,
  COINBASE_SUBSCRIBE_DEADLINE_MS,
} from './limits';
export {
  coinbaseFeedUrl,
  coinbaseProductCandlesUrl,
  coinbaseProductTickerUrl,
  coinbaseProductsUrl,
} from './urls';
export {
  COINBASE_CANDLE_GRANULARITIES_SECONDS,
  COINBASE_MAX_CANDLES_PER_REQUEST,
  coinbaseCandlesPerRequest,
  coinbaseGranularitySeconds,
  parseCoinbaseCandlesText,
} from './rest-candles';
export {
  COINBASE_CHANNELS,
  coinbaseStreamCadenceMs,
  coinbaseStreamName,
  isCoinbaseChannel,
  parseCoinbaseStreamName,
} from './streams';
export type { CoinbaseChannel, CoinbaseStream } from './streams';
export { coinbaseControlFrames, coinbaseSubscribeFrames, coinbaseUnsubscribeFrames } from './control-frames';
export type { CoinbaseControlType } from './control-frames';
export {
  COINBASE_SYMBOL_PREFIX,
  coinbaseProductToSymbol,
  isCoinbaseProductId,
  symbolToCoinbaseProduct,
} from './symbols';
export { parseCoinbaseTime } from './iso-time';
export { parseCoinbaseMessage, parseCoinbasePayload } from './parse-message';
export { CoinbaseFeedErrorCode } from './parse-control';
export {
  COINBASE_RATE_LIMITED_STATUS,
  coinbaseRetryDelayMs,
  parseCoinbaseProductTicker,
  parseCoinbaseProductTickerText,
} from './rest-ticker';
export { coinbaseTradableSymbols, parseCoinbaseProductsText } from './products';
export {
  CoinbaseHeartbeatGapDetector,
  DEFAULT_COINBASE_HEARTBEAT_GAP_DETECTOR_OPTIONS,
} from './heartbeat-gap-detector';
export type {
  CoinbaseFeedGap,
  CoinbaseGapReason,
  CoinbaseHeartbeatGapDetectorOptions,
} from './heartbeat-gap-detector';
export { CoinbaseConfigError, CoinbaseErrorCode, CoinbaseRestError } from './errors';
export { DEFAULT_COINBASE_ADAPTER_OPTIONS, createCoinbaseAdapter } from './coinbase-adapter';
export type { CoinbaseAdapterOptions } from './coinbase-adapter';
