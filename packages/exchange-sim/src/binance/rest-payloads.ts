/**
 * Binance Spot REST bodies, keys in the documented order, rendered from the same market
 * snapshots as the WebSocket payloads (so REST and WS agree at any moment).
 */
import type { MarketSnapshot, SymbolMarket } from '../market-state';
import { formatUnits } from '../fixed-point';
import { priceText, tickerFigures } from './payloads';

export type TickerType = 'FULL' | 'MINI';

/** RAW_REQUESTS limit published in exchangeInfo (not enforced: the weight limit bites first). */
export const RAW_REQUESTS_PER_5_MINUTES = 61_000;
/** PRICE_FILTER.maxPrice and LOT_SIZE.maxQty as Binance prints them for major pairs. */
const MAX_PRICE_TEXT = '1000000.00000000';
const MAX_QTY_TEXT = '9000000.00000000';

/** GET /api/v3/ticker/24hr element; MINI drops the change, weighted average, last qty and book. */
export function ticker24hrBody(snap: MarketSnapshot, now: number, type: TickerType): object {
  const f = tickerFigures(snap, now);
  if (type === 'MINI') {
    return {
      symbol: snap.spec.symbol,
      openPrice: f.openPrice,
      highPrice: f.highPrice,
      lowPrice: f.lowPrice,
      lastPrice: f.lastPrice,
      volume: f.volume,
      quoteVolume: f.quoteVolume,
      openTime: f.openTime,
      closeTime: f.closeTime,
      firstId: f.firstId,
      lastId: f.lastId,
      count: f.count,
    };
  }
  return {
    symbol: snap.spec.symbol,
    priceChange: f.priceChange,
    priceChangePercent: f.priceChangePercent,
    weightedAvgPrice: f.weightedAvgPrice,
    prevClosePrice: f.prevClosePrice,
    lastPrice: f.lastPrice,
    lastQty: f.lastQty,
    bidPrice: f.bidPrice,
    bidQty: f.bidQty,
    askPrice: f.askPrice,
    askQty: f.askQty,
    openPrice: f.openPrice,
    highPrice: f.highPrice,
    lowPrice: f.lowPrice,
    volume: f.volume,
    quoteVolume: f.quoteVolume,
    openTime: f.openTime,
    closeTime: f.closeTime,
    firstId: f.firstId,
    lastId: f.lastId,
    count: f.count,
  };
}

/** GET /api/v3/ticker/price element. */
export function priceTickerBody(market: SymbolMarket): object {
  return { symbol: market.spec.symbol, price: priceText(market.spec, market.lastPriceTicks) };
}

/** GET /api/v3/ticker/bookTicker element. */
export function bookTickerBody(market: SymbolMarket): object {
  const book = market.bookTop;
  return {
    symbol: market.spec.symbol,
    bidPrice: priceText(market.spec, book.bidTicks),
    bidQty: formatUnits(book.bidQty),
    askPrice: priceText(market.spec, book.askTicks),
    askQty: formatUnits(book.askQty),
  };
}

/** GET /api/v3/exchangeInfo, trimmed to the market-data fields clients read. */
export function exchangeInfoBody(markets: readonly SymbolMarket[], weightLimit: number, now: number): object {
  return {
    timezone: 'UTC',
    serverTime: now,
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: weightLimit },
      {
        rateLimitType: 'RAW_REQUESTS',
        interval: 'MINUTE',
        intervalNum: 5,
        limit: RAW_REQUESTS_PER_5_MINUTES,
      },
    ],
    exchangeFilters: [],
    symbols: markets.map(({ spec }) => ({
      symbol: spec.symbol,
      status: 'TRADING',
      baseAsset: spec.baseAsset,
      baseAssetPrecision: 8,
      quoteAsset: spec.quoteAsset,
      quotePrecision: 8,
      quoteAssetPrecision: 8,
      orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT_LIMIT'],
      icebergAllowed: true,
      ocoAllowed: true,
      isSpotTradingAllowed: true,
      isMarginTradingAllowed: false,
      filters: [
        {
          filterType: 'PRICE_FILTER',
          minPrice: spec.tickSize,
          maxPrice: MAX_PRICE_TEXT,
          tickSize: spec.tickSize,
        },
        { filterType: 'LOT_SIZE', minQty: spec.stepSize, maxQty: MAX_QTY_TEXT, stepSize: spec.stepSize },
      ],
      permissions: [],
      permissionSets: [['SPOT']],
    })),
  };
}
