import type { Ticker } from '@tickwire/core';
import { PriceCache } from './price-cache';

const ticker = (symbol: string, last: string, receiveTime = 1): Ticker => ({
  exchange: 'binance',
  symbol,
  last,
  eventTime: 1,
  receiveTime,
  source: 'ws',
});

function setup() {
  const table = new Map<string, Ticker>();
  let staleBefore = 0;
  const cache = new PriceCache({ ticker: (symbol) => table.get(symbol) }, (t) => t.receiveTime < staleBefore);
  return { table, cache, setStaleBefore: (ms: number) => (staleBefore = ms) };
}

describe('PriceCache', () => {
  it('encodes a price once and serves the same body until the ticker changes', () => {
    const { table, cache } = setup();
    expect(cache.get('BTCUSDT')).toBeUndefined();
    table.set('BTCUSDT', ticker('BTCUSDT', '1.0'));
    const first = cache.get('BTCUSDT')!;
    expect(JSON.parse(first.json)).toEqual({ ...ticker('BTCUSDT', '1.0'), stale: false });
    expect(first.body.toString()).toBe(first.json);
    expect(cache.get('BTCUSDT')).toBe(first);
    table.set('BTCUSDT', ticker('BTCUSDT', '1.1'));
    const second = cache.get('BTCUSDT')!;
    expect(second).not.toBe(first);
    expect(second.etag).not.toBe(first.etag);
  });

  it('re-encodes when a price turns stale, with a new ETag', () => {
    const { table, cache, setStaleBefore } = setup();
    table.set('BTCUSDT', ticker('BTCUSDT', '1.0', 100));
    const fresh = cache.get('BTCUSDT')!;
    setStaleBefore(200);
    const stale = cache.get('BTCUSDT')!;
    expect(JSON.parse(stale.json)).toMatchObject({ stale: true });
    expect(stale.etag).not.toBe(fresh.etag);
  });

  it('builds a list once, lists missing symbols, and rebuilds it when one of its prices changes', () => {
    const { table, cache } = setup();
    table.set('BTCUSDT', ticker('BTCUSDT', '1.0'));
    const list = cache.list(['BTCUSDT', 'ETHUSDT']);
    expect(JSON.parse(list.body.toString())).toEqual({
      prices: [{ ...ticker('BTCUSDT', '1.0'), stale: false }],
      missing: ['ETHUSDT'],
    });
    expect(cache.list(['BTCUSDT', 'ETHUSDT'])).toBe(list);
    table.set('ETHUSDT', ticker('ETHUSDT', '2.0'));
    const rebuilt = cache.list(['BTCUSDT', 'ETHUSDT']);
    expect(rebuilt.etag).not.toBe(list.etag);
    expect(JSON.parse(rebuilt.body.toString()).missing).toEqual([]);
  });

  it('joins encoded prices into a JSON array for snapshots, skipping symbols without a price', () => {
    const { table, cache } = setup();
    table.set('ETHUSDT', ticker('ETHUSDT', '2.0'));
    expect(JSON.parse(cache.jsonArray(['BTCUSDT', 'ETHUSDT']))).toEqual([
      { ...ticker('ETHUSDT', '2.0'), stale: false },
    ]);
  });
});
