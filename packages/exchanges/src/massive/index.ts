/** Massive (ex-Polygon) US stocks adapter: stocks socket with auth, batch snapshot, reference tickers, market status. */
export {
  MASSIVE_CONNECT_WINDOW_MS,
  MASSIVE_DEFAULT_REST_URL,
  MASSIVE_DELAYED_WS_URL,
  MASSIVE_DOCS_URL,
  MASSIVE_FREE_REST_CALLS_PER_MINUTE,
  MASSIVE_MAX_CONNECTIONS_PER_CLUSTER,
  MASSIVE_REALTIME_WS_URL,
  massiveLimits,
} from './limits';
export type { MassiveFeed, MassiveFeedSetting } from './limits';
export {
  MASSIVE_AUTH_HEADER,
  MASSIVE_MARKET_STATUS_PATH,
  MASSIVE_REFERENCE_TICKERS_PATH,
  MASSIVE_SNAPSHOT_PATH,
  massiveAuthHeaders,
  massiveMarketStatusUrl,
  massiveNextPageUrl,
  massiveReferenceTickersUrl,
  massiveSnapshotUrl,
  massiveSocketUrl,
} from './urls';
export { massiveAuthFrame, massiveControlFrames } from './control-frames';
export type { MassiveControlAction } from './control-frames';
export { MASSIVE_SYMBOL_PREFIX, massiveToSymbol, symbolToMassive } from './symbols';
export { MassiveFeedErrorCode, parseMassiveMessage, parseMassivePayload } from './parse-message';
export { parseMassiveSnapshotText } from './rest-snapshot';
export { parseMassiveTickerPage } from './symbol-list';
export { parseMassiveMarketStatusText } from './market-status';
export type { MassiveMarketStatus } from './market-status';
export { MassiveConfigError, MassiveErrorCode, MassiveRestError } from './errors';
export { DEFAULT_MASSIVE_ADAPTER_OPTIONS, createMassiveAdapter } from './massive-adapter';
export type { MassiveAdapterOptions } from './massive-adapter';
