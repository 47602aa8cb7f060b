/**
 * `GET /api/v3/klines` (exchanges.md section 7): the candles of one symbol and interval, rebuilt
 * from the market's minute buckets (its 24 h window), oldest first, 12-element arrays with
 * string prices and volumes, the open candle last when the range reaches it. Weight 2; `limit`
 * 500 by default, 1000 at most. Intervals shorter than a minute (`1s`) cannot be rebuilt from
 * minutes and come back empty. https://developers.binance.com/docs/binance-spot-api-docs/rest-api/market-data-endpoints#klinecandlestick-data
 */
import type { SymbolMarket } from '../market-state';
import { candlesFromBuckets, type BucketCandle } from '../bucket-candles';
import { candleBounds, isKlineInterval, type KlineInterval } from './kline-intervals';
import { priceText, quoteText } from './payloads';
import { formatUnits } from '../fixed-point';

export const KLINES_WEIGHT = 2;
export const KLINES_DEFAULT_LIMIT = 500;
export const KLINES_MAX_LIMIT = 1_000;

/** A Binance error answer of this endpoint. */
export interface KlinesError {
  status: number;
  code: number;
  msg: string;
}

const badInterval: KlinesError = { status: 400, code: -1120, msg: 'Invalid interval.' };
const mandatory = (name: string): KlinesError => ({
  status: 400,
  code: -1102,
  msg: `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`,
});
const illegal = (name: string): KlinesError => ({
  status: 400,
  code: -1100,
  msg: `Illegal characters found in parameter '${name}'; legal range is '^[0-9]{1,20}$'.`,
});
const limitTooBig: KlinesError = {
  status: 400,
  code: -1130,
  msg: `Invalid data sent for a parameter.`,
};

function timeParam(url: URL, name: string): number | undefined | KlinesError {
  const raw = url.searchParams.get(name);
  if (raw === null) return undefined;
  return /^\d{1,20}$/.test(raw) ? Number(raw) : illegal(name);
}

/** The body of one klines request for `market` (already resolved from `symbol`), or its error. */
export function klinesBody(market: SymbolMarket, url: URL): unknown[] | KlinesError {
  const interval = url.searchParams.get('interval');
  if (interval === null || interval === '') return mandatory('interval');
  if (!isKlineInterval(interval)) return badInterval;
  const startTime = timeParam(url, 'startTime');
  const endTime = timeParam(url, 'endTime');
  const limitRaw = timeParam(url, 'limit');
  for (const value of [startTime, endTime, limitRaw]) if (typeof value === 'object') return value;
  const limit = (limitRaw as number | undefined) ?? KLINES_DEFAULT_LIMIT;
  if (limit < 1 || limit > KLINES_MAX_LIMIT) return limitTooBig;
  const candles = rebuild(market, interval).filter(
    (candle) =>
      (startTime === undefined || candle.openTime >= (startTime as number)) &&
      (endTime === undefined || candle.openTime <= (endTime as number)),
  );
  // With startTime the oldest come first up to the limit; without it the most recent.
  const chosen =
    startTime === undefined ? candles.slice(Math.max(0, candles.length - limit)) : candles.slice(0, limit);
  return chosen.map((candle) => [
    candle.openTime,
    priceText(market.spec, candle.openTicks),
    priceText(market.spec, candle.highTicks),
    priceText(market.spec, candle.lowTicks),
    priceText(market.spec, candle.closeTicks),
    formatUnits(candle.volume),
    candle.closeTime,
    quoteText(candle.quoteVolume),
    candle.count,
    formatUnits(candle.takerBuyVolume),
    quoteText(candle.takerBuyQuoteVolume),
    '0',
  ]);
}

/** The window's minute buckets folded into candles of `interval`, oldest first. */
function rebuild(market: SymbolMarket, interval: KlineInterval): BucketCandle[] {
  if (interval === '1s') return [];
  return candlesFromBuckets(market.bucketsFrom(0), (time) => candleBounds(interval, time));
}
