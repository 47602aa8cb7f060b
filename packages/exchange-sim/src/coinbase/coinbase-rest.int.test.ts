import { createCoinbaseAdapter } from '@tickwire/exchanges';
import { httpGet, httpPost, sleep } from '../test-support/ws-test-client';
import { useVenueFixture } from '../test-support/venue-fixture';
import { CoinbaseCandleErrors, CoinbaseRestBodies, startCoinbaseSim, type CoinbaseSimOptions } from './index';

const MINUTE_S = 60;
const HOUR_MS = 3_600_000;

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

  it('answers 429 {"message":"Public rate limit exceeded"} once a burst has emptied the token bucket', async () => {
    const sim = await start({ restRequestsPerSecond: 1, restBurst: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await httpGet(`${sim.url}/products/BTC-USD/ticker`)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect((await httpGet(`${sim.url}/products`)).text).toBe(CoinbaseRestBodies.rateLimited);
    expect(sim.stats()).toMatchObject({ restRequests: 5, rest429: 2 });
    await httpPost(`${sim.url}/_sim/reset`);
    expect((await httpGet(`${sim.url}/products`)).status).toBe(200);
  });

  it('answers candles as [time, low, high, open, close, volume] numbers, newest first, the bucket holding start included', async () => {
    const sim = await start();
    const nowS = Math.floor(Date.now() / 1_000);
    const endS = nowS - (nowS % MINUTE_S) - MINUTE_S; // the last closed minute
    const startS = endS - 9 * MINUTE_S + 30; // inside a minute: that minute is included
    const res = await httpGet(
      `${sim.url}/products/BTC-USD/candles?granularity=60&start=${new Date(startS * 1_000).toISOString()}&end=${endS}`,
    );
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/^\[\[\d+,[\d.]+,[\d.]+,[\d.]+,[\d.]+,[\d.]+\](,\[[^\]]+\])*\]$/);
    const rows: number[][] = res.json();
    const times = rows.map((row) => row[0]!);
    // The synthesized 24 h trade every minute: ten buckets, from the one holding start to end.
    expect(times).toEqual(Array.from({ length: 10 }, (_, i) => endS - i * MINUTE_S));
    for (const [, low, high, open, close, volume] of rows) {
      expect(low).toBeLessThanOrEqual(Math.min(open!, close!));
      expect(high).toBeGreaterThanOrEqual(Math.max(open!, close!));
      expect(volume).toBeGreaterThan(0);
    }
    // An hour of one-hour buckets is one row: the same prices as its sixty minutes.
    const hourStartS = endS - (endS % 3_600) - 3_600;
    const hour: number[][] = (
      await httpGet(
        `${sim.url}/products/BTC-USD/candles?granularity=3600&start=${hourStartS}&end=${hourStartS}`,
      )
    ).json();
    const minutes: number[][] = (
      await httpGet(
        `${sim.url}/products/BTC-USD/candles?granularity=60&start=${hourStartS}&end=${hourStartS + 59 * MINUTE_S}`,
      )
    ).json();
    expect(hour).toHaveLength(1);
    expect(minutes).toHaveLength(60);
    expect(hour[0]!.slice(0, 5)).toEqual([
      hourStartS,
      Math.min(...minutes.map((row) => row[1]!)),
      Math.max(...minutes.map((row) => row[2]!)),
      minutes.at(-1)![3],
      minutes[0]![4],
    ]);
  });

  it('refuses more than 300 buckets and other granularities with 400, and has no candles before its window', async () => {
    const sim = await start();
    const endS = Math.floor(Date.now() / 1_000);
    const url = (granularity: number, startS: number, endAtS = endS) =>
      `${sim.url}/products/BTC-USD/candles?granularity=${granularity}&start=${startS}&end=${endAtS}`;
    const tooMany = await httpGet(url(60, endS - 301 * MINUTE_S));
    expect(tooMany.status).toBe(400);
    expect(tooMany.text).toBe(CoinbaseCandleErrors.tooManyCandles);
    expect((await httpGet(url(60, endS - 300 * MINUTE_S))).status).toBe(200);
    const odd = await httpGet(url(120, endS - 600));
    expect(odd.status).toBe(400);
    expect(odd.text).toBe('{"message":"Unsupported granularity"}');
    const old = await httpGet(url(60, endS - 3 * 86_400, endS - 3 * 86_400 + 3_600));
    expect(old.status).toBe(200);
    expect(old.text).toBe('[]');
    const unknown = await httpGet(`${sim.url}/products/NOPE-USD/candles?granularity=60`);
    expect(unknown.status).toBe(404);
  });

  it("feeds the adapter's backfill: 4h candles folded from 300 hours, exactly the simulator's prices", async () => {
    const sim = await start();
    const source = createCoinbaseAdapter().candleHistory;
    if (!source) throw new Error('the adapter has no candle history');
    expect(source.candlesPerRequest('1m')).toBe(300);
    expect(source.candlesPerRequest('4h')).toBe(75);
    const now = Date.now();
    const to = now - (now % (4 * HOUR_MS)) - 4 * HOUR_MS; // the last closed 4h candle
    const request = source.request(sim.url, 'COINBASE:BTC-USD', '4h', to - 74 * 4 * HOUR_MS, to);
    expect(request.url).toContain('granularity=3600');
    const res = await httpGet(request.url);
    expect(res.status).toBe(200);
    const candles = source.parse('COINBASE:BTC-USD', '4h', res.text);
    // The simulator's window is 24 h: the last few 4h candles, whole or in part.
    expect(candles.length).toBeGreaterThanOrEqual(5);
    const last = candles.at(-1)!;
    expect(last).toMatchObject({ symbol: 'COINBASE:BTC-USD', interval: '4h', openTime: to, ticks: 0 });
    expect(last.closeTime).toBe(to + 4 * HOUR_MS - 1);
    const hours: number[][] = res.json();
    const inLast = hours.filter((row) => row[0]! * 1_000 >= to && row[0]! * 1_000 < to + 4 * HOUR_MS);
    expect(inLast).toHaveLength(4);
    expect(Number(last.high)).toBe(Math.max(...inLast.map((row) => row[2]!)));
    expect(Number(last.open)).toBe(inLast.at(-1)![3]);
    expect(Number(last.close)).toBe(inLast[0]![4]);
    const error = await httpGet(`${sim.url}/products/BTC-USD/candles?granularity=7`);
    expect(() => source.parse('COINBASE:BTC-USD', '1m', error.text)).toThrow(/Unsupported granularity/);
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
