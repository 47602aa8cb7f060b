import type { MarketEntry } from './market-listing';
import { defaultOrder, queryMarkets } from './market-query';

function entry(symbol: string, fields: Partial<MarketEntry> = {}): MarketEntry {
  return {
    symbol,
    kind: 'symbol',
    venue: 'binance',
    name: null,
    last: null,
    changePct: null,
    baseVolume: null,
    quoteVolume: null,
    eventTime: null,
    stale: false,
    ...fields,
  };
}

const MARKETS = [
  entry('AUSDT', { last: '9.5', changePct: '-2.5', name: 'A/USDT' }),
  entry('BUSDT', { last: '10', changePct: '0.75', name: 'B/USDT' }),
  entry('CUSDT', { last: '10.00', changePct: '-10', name: 'C/USDT' }),
  entry('COINBASE:D-USD', { venue: 'coinbase', last: '100', name: 'D-USD' }),
  entry('FINNHUB:AAPL', { venue: 'finnhub', name: 'APPLE INC' }),
];

const symbols = (result: { markets: MarketEntry[] }) => result.markets.map((m) => m.symbol);

describe('queryMarkets', () => {
  it('compares decimals as numbers, not as text, ties in symbol order, blanks last', () => {
    expect(symbols(queryMarkets(MARKETS, { sort: 'last', order: 'desc' }))).toEqual([
      'COINBASE:D-USD',
      'BUSDT',
      'CUSDT',
      'AUSDT',
      'FINNHUB:AAPL',
    ]);
    expect(symbols(queryMarkets(MARKETS, { sort: 'last', order: 'asc' }))).toEqual([
      'AUSDT',
      'BUSDT',
      'CUSDT',
      'COINBASE:D-USD',
      'FINNHUB:AAPL',
    ]);
    expect(symbols(queryMarkets(MARKETS, { sort: 'changePct', order: 'asc' }))).toEqual([
      'CUSDT',
      'AUSDT',
      'BUSDT',
      'COINBASE:D-USD',
      'FINNHUB:AAPL',
    ]);
  });

  it('filters by venue and by text in the symbol or the name, and counts matches before the limit', () => {
    const result = queryMarkets(MARKETS, {
      sort: 'symbol',
      order: 'asc',
      venues: new Set(['binance', 'finnhub']),
      text: 'usdT',
      limit: 2,
    });
    // Any case; D-USD is on another venue, AAPL has no USDT.
    expect(result).toEqual({ markets: [MARKETS[0], MARKETS[1]], total: 3 });
    expect(queryMarkets(MARKETS, { sort: 'name', order: 'asc', text: 'apple' }).markets).toEqual([
      MARKETS[4],
    ]);
  });

  it('orders numbers largest first and text from A unless told', () => {
    expect(defaultOrder('quoteVolume')).toBe('desc');
    expect(defaultOrder('name')).toBe('asc');
  });
});
