/** Binance Spot adapter: stream names and URLs, control frames, frame and REST parsers. */
export {
  BINANCE_CONNECT_WINDOW_MS,
  BINANCE_DEFAULT_REST_URL,
  BINANCE_DEFAULT_WS_URL,
  BINANCE_DOCS_URL,
  BINANCE_LIMITS,
  BINANCE_MAX_CLIENT_MESSAGES_PER_SECOND,
  BINANCE_MAX_CONNECTION_AGE_MS,
  BINANCE_MAX_CONNECTS_PER_WINDOW,
  BINANCE_MAX_STREAMS_PER_CONNECTION,
  BINANCE_MAX_STREAMS_PER_CONTROL_FRAME,
  BINANCE_PONG_TIMEOUT_MS,
  BINANCE_REST_DOCS_URL,
  BINANCE_SERVER_PING_INTERVAL_MS,
} from './limits';
export {
  BINANCE_ALL_MINI_TICKERS_STREAM,
  BINANCE_KLINE_INTERVALS,
  BINANCE_SYMBOL_STREAM_KINDS,
  combinedStreamUrl,
  exchangeInfoUrl,
  isBinanceKlineInterval,
  isBinanceStreamKind,
  klinesUrl,
  streamName,
  ticker24hrUrl,
  tickerPriceUrl,
} from './urls';
export type {
  BinanceKlineInterval,
  BinanceStreamKind,
  ExchangeInfoUrlOptions,
  Ticker24hrUrlOptions,
} from './urls';
export {
  buildControlFrames,
  listSubscriptionsFrame,
  subscribeFrames,
  unsubscribeFrames,
} from './control-frames';
export type { BinanceControlFrame, BinanceControlMethod } from './control-frames';
export { parseBinanceMessage, parseBinancePayload } from './parse-message';
export { parseRestTickers } from './rest-tickers';
export { BINANCE_KLINES_MAX_LIMIT, BINANCE_KLINES_WEIGHT, parseKlines, parseKlinesText } from './rest-klines';
export {
  BINANCE_KLINE_UPDATE_MS,
  BINANCE_ONE_SECOND_KLINE_UPDATE_MS,
  BINANCE_TICKER_UPDATE_MS,
  binanceStreamCadenceMs,
} from './stream-cadence';
export {
  BINANCE_DEFAULT_REQUEST_WEIGHT_PER_MINUTE,
  BINANCE_EXCHANGE_INFO_WEIGHT,
  BINANCE_IP_BAN_STATUS,
  binanceRetryDelayMs,
  binanceTicker24hrWeight,
  binanceUsedWeight1m,
} from './rest-weights';
export { binanceTradingSymbols, parseBinanceSymbolListText, parseExchangeInfo } from './exchange-info';
export type { BinanceExchangeInfo, BinanceRateLimit, BinanceSymbolInfo } from './exchange-info';
export { BinanceConfigError, BinanceErrorCode, BinanceRestError } from './errors';
export { createBinanceAdapter, DEFAULT_BINANCE_ADAPTER_OPTIONS } from './binance-adapter';
export type { BinanceAdapterOptions } from './binance-adapter';
