import type { Ticker } from '@tickwire/core';
import { ServedAssets } from './served-assets';

const SPEC = { name: 'BTC-USD', sources: ['COINBASE:BTC-USD', 'BTCUSDT'] };

function tickerFrom(origin: string, exchange: Ticker['exchange']): Ticker {
  return { symbol: 'BTC-USD', exchange, origin, last: '1', eventTime: 1, receiveTime: 1, source: 'ws' };
}

describe('ServedAssets', () => {
  it('lists an asset without a price under its name, on its first source venue, origin null', () => {
    const source = new ServedAssets({ assets: [SPEC], ticker: () => undefined });
    expect([...source.listings()]).toEqual([
      {
        symbol: 'BTC-USD',
        kind: 'asset',
        venue: 'coinbase',
        name: 'BTC-USD',
        origin: null,
        sources: ['COINBASE:BTC-USD', 'BTCUSDT'],
      },
    ]);
  });

  it('lists it on the venue of the source its ticker comes from', () => {
    const tickers = new Map([['BTC-USD', tickerFrom('BTCUSDT', 'binance')]]);
    const source = new ServedAssets({ assets: [SPEC], ticker: (name) => tickers.get(name) });
    expect([...source.listings()]).toMatchObject([{ venue: 'binance', origin: 'BTCUSDT', name: 'BTC-USD' }]);
  });
});
