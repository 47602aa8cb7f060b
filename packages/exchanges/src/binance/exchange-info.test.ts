import { BinanceRestError } from './errors';
import { parseExchangeInfo } from './exchange-info';

/** Trimmed from the docs' exchangeInfo example. */
const BODY = {
  timezone: 'UTC',
  serverTime: 1565246363776,
  rateLimits: [
    { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
    { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 61000 },
  ],
  exchangeFilters: [],
  symbols: [
    {
      symbol: 'ETHBTC',
      status: 'TRADING',
      baseAsset: 'ETH',
      baseAssetPrecision: 8,
      quoteAsset: 'BTC',
      quotePrecision: 8,
      orderTypes: ['LIMIT', 'MARKET'],
      filters: [
        {
          filterType: 'PRICE_FILTER',
          minPrice: '0.00000100',
          maxPrice: '100000.00000000',
          tickSize: '0.00000100',
        },
        { filterType: 'LOT_SIZE', minQty: '0.00100000', maxQty: '100000.00000000', stepSize: '0.00100000' },
        { filterType: 'SOMETHING_NEW', anything: 1 },
      ],
      permissionSets: [['SPOT']],
    },
    { symbol: 'BNBBTC', status: 'HALT', baseAsset: 'BNB', quoteAsset: 'BTC' },
  ],
  sors: [],
};

describe('parseExchangeInfo', () => {
  it('returns the symbols with their tick size and the rate limits', () => {
    expect(parseExchangeInfo(BODY)).toEqual({
      symbols: [
        { symbol: 'ETHBTC', status: 'TRADING', baseAsset: 'ETH', quoteAsset: 'BTC', tickSize: '0.00000100' },
        { symbol: 'BNBBTC', status: 'HALT', baseAsset: 'BNB', quoteAsset: 'BTC' },
      ],
      rateLimits: [
        { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
        { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 61000 },
      ],
    });
  });

  it('raises the typed API error for a Binance error body', () => {
    expect(() => parseExchangeInfo({ code: -1121, msg: 'Invalid symbol.' })).toThrow(
      expect.objectContaining({ code: 'BINANCE_API_ERROR', binanceCode: -1121 }) as Error,
    );
  });

  it.each([
    ['no symbols array', { ...BODY, symbols: undefined }],
    ['no rateLimits array', { ...BODY, rateLimits: {} }],
    ['a symbol without status', { ...BODY, symbols: [{ symbol: 'A', baseAsset: 'A', quoteAsset: 'B' }] }],
    [
      'a numeric limit given as a string',
      { ...BODY, rateLimits: [{ ...BODY.rateLimits[0], limit: '6000' }] },
    ],
    [
      'a numeric tick size',
      {
        ...BODY,
        symbols: [{ ...BODY.symbols[1], filters: [{ filterType: 'PRICE_FILTER', tickSize: 0.01 }] }],
      },
    ],
  ])('raises BINANCE_MALFORMED_REST_BODY for %s', (_label, body) => {
    let thrown: unknown;
    try {
      parseExchangeInfo(body);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(BinanceRestError);
    expect((thrown as BinanceRestError).code).toBe('BINANCE_MALFORMED_REST_BODY');
  });
});
