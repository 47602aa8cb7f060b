import { createCoinbaseAdapter } from '@tickwire/exchanges';
import { httpGet, httpPost, sleep } from '../test-support/ws-test-client';
import { useVenueFixture } from '../test-support/venue-fixture';
import { CoinbaseRestBodies, startCoinbaseSim, type CoinbaseSimOptions } from './index';

jest.setTimeout(10_000);

const { start } = useVenueFixture(startCoinbaseSim, { tradesPerSecond: 20 } satisfies CoinbaseSimOptions);

describe('Coinbase REST', () => {
  it('lists the products, one product, and its ticker with every decimal as a string', async () => {
    const sim = await start({ products: ['BTC-USD', 'DOGE-USD'] });
    const products: Array<{ id: string }> = (await httpGet(`${sim.url}/products`)).json();
    expect(products.map((p) => p.id)).toEqual(['BTC-USD', 'DOGE-USD']);
    expect(products[0]).toMatchObject({
      id: 'BTC-USD',
      base_currency: 'BTC',
      quote_currency: 'USD',
      quote_increment: '0.01',
      base_increment: '0.00000001',
      status: 'online',
      trading_disabled: false,
    });
    expect((await httpGet(`${sim.url}/products/DOGE-USD`)).json()).toMatchObject({
      quote_increment: '0.00001',
    });
    await sleep(150);
    sim.setTradesPerSecond(0); // so the latest ticker cannot move between the answer and the check
    const res = await httpGet(`${sim.url}/products/BTC-USD/ticker`);
    expect(res.status).toBe(200);
    const ticker = res.json();
    expect(Object.keys(ticker).slice(0, 7)).toEqual([
      'ask',
      'bid',
      'volume',
      'trade_id',
      'price',
      'size',
      'time',
    ]);
    for (const key of ['ask', 'bid', 'volume', 'price', 'size']) expect(ticker[key]).toMatch(/^\d+(\.\d+)?$/);
    expect(typeof ticker.trade_id).toBe('number');
    const last = sim.recentEvents({ stream: 'ticker:BTC-USD' }).at(-1)?.data as
      { trade_id: number } | undefined;
    expect(ticker.trade_id).toBe(last?.trade_id);
  });

  it('answers an unknown product or path with 404 {"message":"NotFound"}', async () => {
    const sim = await start();
    for (const path of ['/products/NOPE-USD/ticker', '/products/NOPE-USD', '/products/BTC-USD/book']) {
      const res = await httpGet(`${sim.url}${path}`);
      expect(res.status).toBe(404);
      expect(res.text).toBe('{"message":"NotFound"}');
    }
  });

  it('answers 429 {"message":"Public rate limit exceeded"} past restRequestsPerSecond', async () => {
    const sim = await start({ restRequestsPerSecond: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await httpGet(`${sim.url}/products/BTC-USD/ticker`)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect((await httpGet(`${sim.url}/products`)).text).toBe(CoinbaseRestBodies.rateLimited);
    expect(sim.stats()).toMatchObject({ restRequests: 5, rest429: 2 });
    await httpPost(`${sim.url}/_sim/reset`);
    expect((await httpGet(`${sim.url}/products`)).status).toBe(200);
  });

  it('feeds the adapter: its ticker request is answered and parsed, NotFound becomes a typed error', async () => {
    const sim = await start();
    const adapter = createCoinbaseAdapter();
    const [request] = adapter.restTickerRequests?.(sim.url, ['COINBASE:ETH-BTC']) ?? [];
    if (!request) throw new Error('the adapter builds no ticker request');
    const res = await httpGet(request.url);
    const [update] = adapter.parseRestTickerResponse?.(request, res.text, Date.now()) ?? [];
    const body = res.json();
    expect(update).toMatchObject({
      symbol: 'COINBASE:ETH-BTC',
      last: body.price,
      bid: body.bid,
      ask: body.ask,
      baseVolume: body.volume,
      source: 'rest',
    });
    const [missing] = adapter.restTickerRequests?.(sim.url, ['COINBASE:NOPE-USD']) ?? [];
    if (!missing) throw new Error('the adapter builds no ticker request');
    const notFound = await httpGet(missing.url);
    expect(() => adapter.parseRestTickerResponse?.(missing, notFound.text, Date.now())).toThrow(/NotFound/);
  });
});
