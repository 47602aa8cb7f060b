/**
 * `GET /products/<id>/candles?granularity=&start=&end=` (exchanges.md section 8), rebuilt from the
 * product's minute buckets (its 24 h window): rows `[time, low, high, open, close, volume]`, the
 * bucket start in UNIX seconds and the rest JSON numbers, newest first, no row for a bucket
 * without trades, the open bucket included when the range reaches it. `start` and `end` are
 * ISO 8601 or UNIX seconds; without both, the range is the 300 buckets ending now. The bucket
 * holding `start` is included even when it opened before it ("some of those candles may precede
 * your declared start value"). Errors are HTTP 400 `{"message":...}`: a granularity outside
 * 60/300/900/3600/21600/86400, or a range of more than 300 buckets (refused, not cut).
 * https://docs.cdp.coinbase.com/api-reference/exchange-api/rest-api/products/get-product-candles
 */
import { candlesFromBuckets } from '../bucket-candles';
import { formatUnits, trimDecimal } from '../fixed-point';
import type { SymbolMarket } from '../market-state';
import { priceText } from './payloads';
import type { CoinbaseProduct } from './products';

export const COINBASE_CANDLE_GRANULARITIES: readonly number[] = [60, 300, 900, 3_600, 21_600, 86_400];
/** Buckets one request may span. */
export const COINBASE_MAX_CANDLES = 300;
/**
 * The granularity of a request that names none. The docs call it optional and state no default;
 * the smallest is the simulator's choice.
 */
export const COINBASE_DEFAULT_GRANULARITY = 60;

/** Error bodies of this endpoint. The first two as observed live; the time errors in the simulator's words. */
export const CoinbaseCandleErrors = {
  tooManyCandles:
    '{"message":"granularity too small for the requested time range. Count of aggregations requested exceeds 300"}',
  unsupportedGranularity: '{"message":"Unsupported granularity"}',
  invalidStart: '{"message":"Invalid start"}',
  invalidEnd: '{"message":"Invalid end"}',
  startAfterEnd: '{"message":"start must be before end"}',
} as const;

export interface CandlesAnswer {
  status: 200 | 400;
  body: string;
}

const refused = (body: string): CandlesAnswer => ({ status: 400, body });

/** UNIX seconds of an ISO 8601 or UNIX-seconds parameter; NaN when it is neither. */
function seconds(text: string): number {
  if (/^\d{1,12}$/.test(text)) return Number(text);
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? Number.NaN : Math.floor(ms / 1_000);
}

/** The answer to one candles request for `product`. */
export function candlesAnswer(
  product: CoinbaseProduct,
  market: SymbolMarket,
  url: URL,
  now: number,
): CandlesAnswer {
  const granularityText = url.searchParams.get('granularity');
  const granularity = granularityText === null ? COINBASE_DEFAULT_GRANULARITY : Number(granularityText);
  if (!COINBASE_CANDLE_GRANULARITIES.includes(granularity))
    return refused(CoinbaseCandleErrors.unsupportedGranularity);
  const startText = url.searchParams.get('start');
  const endText = url.searchParams.get('end');
  let start: number;
  let end: number;
  if (startText === null || endText === null) {
    // "If the start or end fields are not provided, both fields are ignored."
    end = Math.floor(now / 1_000);
    start = end - (end % granularity) - (COINBASE_MAX_CANDLES - 1) * granularity;
  } else {
    start = seconds(startText);
    end = seconds(endText);
    if (Number.isNaN(start)) return refused(CoinbaseCandleErrors.invalidStart);
    if (Number.isNaN(end)) return refused(CoinbaseCandleErrors.invalidEnd);
    if (start > end) return refused(CoinbaseCandleErrors.startAfterEnd);
    if ((end - start) / granularity > COINBASE_MAX_CANDLES)
      return refused(CoinbaseCandleErrors.tooManyCandles);
  }
  const lengthMs = granularity * 1_000;
  const firstMs = (start - (start % granularity)) * 1_000;
  const rows = candlesFromBuckets(market.bucketsFrom(0), (time) => {
    const openTime = time - (time % lengthMs);
    return { openTime, closeTime: openTime + lengthMs - 1 };
  })
    .filter((candle) => candle.openTime >= firstMs && candle.openTime <= end * 1_000)
    .reverse()
    .map(
      (candle) =>
        `[${candle.openTime / 1_000},${priceText(product, candle.lowTicks)},${priceText(product, candle.highTicks)},` +
        `${priceText(product, candle.openTicks)},${priceText(product, candle.closeTicks)},${trimDecimal(formatUnits(candle.volume))}]`,
    );
  return { status: 200, body: `[${rows.join(',')}]` };
}
