import { createBinanceAdapter } from './binance-adapter';
import { BinanceConfigError, BinanceRestError } from './errors';
import { binanceTradingSymbols, parseBinanceSymbolListText } from './exchange-info';
import { BINANCE_EXCHANGE_INFO_WEIGHT } from './rest-weights';
import { exchangeInfoUrl } from './urls';

/** An exchangeInfo body as Binance answers `symbolStatus=TRADING&showPermissionSets=false`, plus odd entries. */
const BODY = {
  timezone: 'UTC',
  serverTime: 1565246363776,
  rateLimits: [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 }],
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
      filters: [{ filterType: 'PRICE_FILTER', minPrice: '0.00000100', tickSize: '0.00000100' }],
      permissions: [],
      permissionSets: [],
    },
    { symbol: 'BTCUSDT', status: 'TRADING', baseAsset: 'BTC', quoteAsset: 'USDT' },
    // Assets left out or empty: named by the symbol, never dropped.
    { symbol: 'NOASSETS', status: 'TRADING' },
    { symbol: 'EMPTYUSDT', status: 'TRADING', baseAsset: '', quoteAsset: 'USDT' },
    { symbol: 'BNBBTC', status: 'HALT', baseAsset: 'BNB', quoteAsset: 'BTC' },
    { symbol: 'LUNAUSDT', status: 'BREAK', baseAsset: 'LUNA', quoteAsset: 'USDT' },
    { symbol: '币安人生USDT', status: 'TRADING', baseAsset: '币安人生', quoteAsset: 'USDT' },
    { symbol: 'NOSTATUS', baseAsset: 'NO', quoteAsset: 'STATUS' },
    { status: 'TRADING', baseAsset: 'NO', quoteAsset: 'NAME' },
    { symbol: 42, status: 'TRADING' },
    { symbol: 'btcusdt', status: 'TRADING' },
    'SOLUSDT',
    null,
  ],
};

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

const LISTED = [
  { symbol: 'ETHBTC', name: 'ETH/BTC' },
  { symbol: 'BTCUSDT', name: 'BTC/USDT' },
  { symbol: 'NOASSETS', name: 'NOASSETS' },
  { symbol: 'EMPTYUSDT', name: 'EMPTYUSDT' },
];

describe('the Binance symbol list', () => {
  it('keeps TRADING symbols only, named base/quote, and skips entries it cannot read, without failing the list', () => {
    expect(binanceTradingSymbols(BODY)).toEqual(LISTED);
    expect(parseBinanceSymbolListText(JSON.stringify(BODY))).toEqual(LISTED);
  });

  it('reads an empty symbols array as an empty list (the caller decides what that means)', () => {
    expect(parseBinanceSymbolListText('{"timezone":"UTC","rateLimits":[],"symbols":[]}')).toEqual([]);
  });

  it('raises the typed API error for a Binance error body', () => {
    expect(thrown(() => parseBinanceSymbolListText('{"code":-1220,"msg":"Invalid symbol status."}'))).toEqual(
      expect.objectContaining({ code: 'BINANCE_API_ERROR', binanceCode: -1220 }),
    );
  });

  it.each([
    ['invalid JSON', '{"symbols":[', /invalid JSON/],
    ['an array', '[]', /expected an object/],
    ['no symbols', '{"timezone":"UTC"}', /field "symbols" must be an array/],
    ['a symbols object', '{"symbols":{}}', /field "symbols" must be an array/],
    ['null', 'null', /expected an object/],
  ])('raises BINANCE_MALFORMED_REST_BODY for %s', (_label, text, reason) => {
    const error = thrown(() => parseBinanceSymbolListText(text));
    expect(error).toBeInstanceOf(BinanceRestError);
    expect(error).toMatchObject({ code: 'BINANCE_MALFORMED_REST_BODY' });
    expect((error as Error).message).toMatch(reason);
  });

  it('filters exchangeInfo server-side by status and without permission sets', () => {
    expect(
      exchangeInfoUrl('https://api.binance.com', [], { symbolStatus: 'TRADING', showPermissionSets: false }),
    ).toBe('https://api.binance.com/api/v3/exchangeInfo?symbolStatus=TRADING&showPermissionSets=false');
    // Binance refuses symbolStatus with named symbols.
    expect(() =>
      exchangeInfoUrl('https://api.binance.com', ['BTCUSDT'], { symbolStatus: 'TRADING' }),
    ).toThrow(expect.objectContaining({ code: 'BINANCE_INVALID_REQUEST' }) as BinanceConfigError);
  });

  it('is offered by the adapter as one exchangeInfo request of weight 20', () => {
    const list = createBinanceAdapter().symbolList;
    const requests = list?.requests('http://127.0.0.1:9000/');
    expect(requests).toEqual([
      {
        url: 'http://127.0.0.1:9000/api/v3/exchangeInfo?symbolStatus=TRADING&showPermissionSets=false',
        headers: { Accept: 'application/json' },
      },
    ]);
    expect(list?.requestWeight).toBe(BINANCE_EXCHANGE_INFO_WEIGHT);
    expect(BINANCE_EXCHANGE_INFO_WEIGHT).toBe(20);
    expect(list?.parse(requests![0]!, JSON.stringify(BODY))).toEqual(LISTED);
  });
});
