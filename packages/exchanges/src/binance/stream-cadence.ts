/**
 * How often Binance pushes a per-symbol stream whether or not the market moved (the docs'
 * "Update Speed"), so a connection that carries one can be told silent after a few missed
 * pushes instead of a watchdog period. Streams pushed on events (trade, aggTrade, bookTicker)
 * promise nothing: a quiet market sends nothing on them.
 * Docs: https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams
 */

/** `@ticker` and `@miniTicker`: 1000 ms. */
export const BINANCE_TICKER_UPDATE_MS = 1_000;
/** `@kline_1s`: 1000 ms. */
export const BINANCE_ONE_SECOND_KLINE_UPDATE_MS = 1_000;
/** `@kline_<interval>` other than 1s: 2000 ms. */
export const BINANCE_KLINE_UPDATE_MS = 2_000;

/** The update speed of a stream name (`btcusdt@ticker`: 1000); undefined for event streams. */
export function binanceStreamCadenceMs(stream: string): number | undefined {
  const kind = stream.slice(stream.indexOf('@') + 1);
  if (kind === 'ticker' || kind === 'miniTicker') return BINANCE_TICKER_UPDATE_MS;
  if (kind === 'kline_1s') return BINANCE_ONE_SECOND_KLINE_UPDATE_MS;
  if (kind.startsWith('kline_')) return BINANCE_KLINE_UPDATE_MS;
  return undefined;
}
