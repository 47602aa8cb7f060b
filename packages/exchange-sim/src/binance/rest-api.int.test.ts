import { TestClient, httpGet, httpPost, sleep, type Json } from '../test-support/ws-test-client';
import { useSimFixture } from '../test-support/sim-fixture';

/**
 * A weight window of an hour keeps a test from straddling a window reset (aligned to the clock):
 * with Binance's minute, a boundary between two requests would reset the weights they expect.
 */
const HOUR_MS = 3_600_000;

const { start } = useSimFixture({ tradesPerSecond: 0, weightWindowMs: HOUR_MS });

function symbolsParam(symbols: string[]): string {
  return encodeURIComponent(JSON.stringify(symbols));
}

describe('GET /api/v3/ticker/24hr', () => {
  it('returns one FULL ticker in Binance key order, weight 2, with both weight headers', async () => {
    const s = await start();
    const res = await httpGet(`${s.url}/api/v3/ticker/24hr?symbol=BTCUSDT`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json;charset=UTF-8');
    expect(res.headers.get('x-mbx-used-weight')).toBe('2');
    expect(res.headers.get('x-mbx-used-weight-1m')).toBe('2');
    const body = res.json();
    expect(Object.keys(body)).toEqual([
      'symbol',
      'priceChange',
      'priceChangePercent',
      'weightedAvgPrice',
      'prevClosePrice',
      'lastPrice',
      'lastQty',
      'bidPrice',
      'bidQty',
      'askPrice',
      'askQty',
      'openPrice',
      'highPrice',
      'lowPrice',
      'volume',
      'quoteVolume',
      'openTime',
      'closeTime',
      'firstId',
      'lastId',
      'count',
    ]);
    expect(body.count).toBe(body.lastId - body.firstId + 1);
    expect(s.stats()).toMatchObject({ restRequests: 1, restWeightUsed: 2 });
  });

  it('agrees with the @ticker stream of the same market (same price path)', async () => {
    const s = await start();
    const client = await TestClient.connect(`${s.wsUrl}/ws/ethusdt@ticker`);
    const figures = (t: Json): unknown[] => [
      t.lastPrice,
      t.openPrice,
      t.highPrice,
      t.lowPrice,
      t.volume,
      t.count,
    ];
    try {
      // No trades (rate 0), so only a minute leaving the 24 h window changes the figures; read
      // REST before and after the WS ticker and retry if a minute boundary fell in between.
      for (let attempt = 0; attempt < 3; attempt++) {
        const before = (await httpGet(`${s.url}/api/v3/ticker/24hr?symbol=ETHUSDT`)).json();
        const ws = await client.nextJson();
        const rest = (await httpGet(`${s.url}/api/v3/ticker/24hr?symbol=ETHUSDT`)).json();
        if (JSON.stringify(figures(before)) !== JSON.stringify(figures(rest))) continue;
        expect([
          rest.lastPrice,
          rest.openPrice,
          rest.highPrice,
          rest.lowPrice,
          rest.volume,
          rest.quoteVolume,
        ]).toEqual([ws.c, ws.o, ws.h, ws.l, ws.v, ws.q]);
        expect([
          rest.priceChange,
          rest.priceChangePercent,
          rest.weightedAvgPrice,
          rest.prevClosePrice,
        ]).toEqual([ws.p, ws.P, ws.w, ws.x]);
        expect([rest.bidPrice, rest.askPrice, rest.firstId, rest.lastId, rest.count]).toEqual([
          ws.b,
          ws.a,
          ws.F,
          ws.L,
          ws.n,
        ]);
        const price = (await httpGet(`${s.url}/api/v3/ticker/price?symbol=ETHUSDT`)).json();
        expect(price).toEqual({ symbol: 'ETHUSDT', price: ws.c });
        return;
      }
      throw new Error('the 24 h window moved during every attempt');
    } finally {
      client.close();
    }
  });

  it('charges 2 for up to 20 symbols, 40 up to 100 and 80 above or for all, and honours type=MINI', async () => {
    const symbols = Array.from({ length: 101 }, (_, i) => `S${i}USDT`);
    const s = await start({ symbols });
    const weight = async (query: string): Promise<number> => {
      await httpPost(`${s.url}/_sim/reset`);
      const res = await httpGet(`${s.url}/api/v3/ticker/24hr${query}`);
      expect(res.status).toBe(200);
      return Number(res.headers.get('x-mbx-used-weight-1m'));
    };
    expect(await weight(`?symbols=${symbolsParam(symbols.slice(0, 20))}`)).toBe(2);
    expect(await weight(`?symbols=${symbolsParam(symbols.slice(0, 21))}`)).toBe(40);
    expect(await weight(`?symbols=${symbolsParam(symbols.slice(0, 100))}`)).toBe(40);
    expect(await weight(`?symbols=${symbolsParam(symbols)}`)).toBe(80);
    expect(await weight('')).toBe(80);
    const mini = (
      await httpGet(`${s.url}/api/v3/ticker/24hr?symbols=${symbolsParam(['S1USDT', 'S2USDT'])}&type=MINI`)
    ).json();
    expect((mini as { symbol: string }[]).map((t) => t.symbol)).toEqual(['S1USDT', 'S2USDT']);
    expect(Object.keys(mini[0])).toEqual([
      'symbol',
      'openPrice',
      'highPrice',
      'lowPrice',
      'lastPrice',
      'volume',
      'quoteVolume',
      'openTime',
      'closeTime',
      'firstId',
      'lastId',
      'count',
    ]);
  });

  it('rejects unknown symbols with -1121 and symbol plus symbols with -1128', async () => {
    const s = await start();
    const unknown = await httpGet(`${s.url}/api/v3/ticker/24hr?symbol=NOPEUSDT`);
    expect(unknown.status).toBe(400);
    expect(unknown.json()).toEqual({ code: -1121, msg: 'Invalid symbol.' });
    expect(unknown.headers.get('x-mbx-used-weight')).toBe('2');
    const inList = await httpGet(
      `${s.url}/api/v3/ticker/24hr?symbols=${symbolsParam(['BTCUSDT', 'NOPEUSDT'])}`,
    );
    expect(inList.json()).toEqual({ code: -1121, msg: 'Invalid symbol.' });
    const both = await httpGet(
      `${s.url}/api/v3/ticker/24hr?symbol=BTCUSDT&symbols=${symbolsParam(['BTCUSDT'])}`,
    );
    expect(both.status).toBe(400);
    expect(both.json()).toMatchObject({ code: -1128 });
    const lower = await httpGet(`${s.url}/api/v3/ticker/24hr?symbol=btcusdt`);
    expect(lower.json()).toMatchObject({ code: -1100 });
  });
});

describe('other endpoints', () => {
  it('answers ticker/price with weight 2 for a symbol and 4 otherwise', async () => {
    const s = await start({ symbols: ['BTCUSDT', 'DOGEUSDT'] });
    const one = await httpGet(`${s.url}/api/v3/ticker/price?symbol=DOGEUSDT`);
    expect(one.json()).toEqual({ symbol: 'DOGEUSDT', price: expect.stringMatching(/^0\.\d{8}$/) });
    expect(one.headers.get('x-mbx-used-weight')).toBe('2');
    const all = await httpGet(`${s.url}/api/v3/ticker/price`);
    expect((all.json() as { symbol: string }[]).map((p) => p.symbol)).toEqual(['BTCUSDT', 'DOGEUSDT']);
    expect(all.headers.get('x-mbx-used-weight')).toBe('6');
    const list = await httpGet(`${s.url}/api/v3/ticker/price?symbols=${symbolsParam(['BTCUSDT'])}`);
    expect(list.headers.get('x-mbx-used-weight')).toBe('10');
  });

  it('describes symbols and rate limits in exchangeInfo, weight 20', async () => {
    const s = await start({ restWeightLimitPerMinute: 1234 });
    const res = await httpGet(`${s.url}/api/v3/exchangeInfo`);
    expect(res.headers.get('x-mbx-used-weight-1m')).toBe('20');
    const info = res.json();
    expect(info.rateLimits).toEqual([
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 1234 },
      { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 61000 },
    ]);
    expect(info.symbols).toHaveLength(8);
    type SymbolInfo = { symbol: string; filters: { filterType: string; tickSize?: string }[] };
    const doge = (info.symbols as SymbolInfo[]).find((x) => x.symbol === 'DOGEUSDT');
    expect(doge).toMatchObject({ status: 'TRADING', baseAsset: 'DOGE', quoteAsset: 'USDT' });
    expect(doge?.filters.find((f) => f.filterType === 'PRICE_FILTER')?.tickSize).toBe('0.00001000');
  });

  it('answers ping and time, and 404 for unknown API paths', async () => {
    const s = await start();
    expect((await httpGet(`${s.url}/api/v3/ping`)).json()).toEqual({});
    const time = (await httpGet(`${s.url}/api/v3/time`)).json();
    expect(Math.abs(time.serverTime - Date.now())).toBeLessThan(5_000);
    expect((await httpGet(`${s.url}/api/v3/nope`)).status).toBe(404);
  });
});

describe('rate limiting', () => {
  it('answers 429 with Retry-After over the weight limit, then bans with 418 after banAfter429s', async () => {
    const s = await start({
      restWeightLimitPerMinute: 10,
      banAfter429s: 3,
      banMs: 120_000,
    });
    const url = `${s.url}/api/v3/ticker/24hr?symbol=BTCUSDT`;
    for (let i = 0; i < 5; i++) expect((await httpGet(url)).status).toBe(200);
    for (let i = 0; i < 3; i++) {
      const limited = await httpGet(url);
      expect(limited.status).toBe(429);
      expect(limited.json()).toMatchObject({
        code: -1003,
        msg: expect.stringMatching(/^Too much request weight used;/),
      });
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(3_600);
      expect(Number(limited.headers.get('x-mbx-used-weight-1m'))).toBeGreaterThan(10);
    }
    const banned = await httpGet(url);
    expect(banned.status).toBe(418);
    expect(banned.headers.get('retry-after')).toBe('120');
    expect(banned.json()).toMatchObject({
      code: -1003,
      msg: expect.stringMatching(/^Way too much request weight used; IP banned until \d+/),
    });
    expect((await httpGet(`${s.url}/api/v3/ping`)).status).toBe(418);
    expect(s.stats()).toMatchObject({ rest429: 3, rest418: 2, restRequests: 10 });
    await httpPost(`${s.url}/_sim/reset`);
    expect((await httpGet(url)).status).toBe(200);
  });

  it('resets the used weight when the window rolls over', async () => {
    const s = await start({ restWeightLimitPerMinute: 4, weightWindowMs: 400 });
    const url = `${s.url}/api/v3/ticker/price`;
    let status = 200;
    for (let i = 0; i < 3 && status === 200; i++) status = (await httpGet(url)).status;
    expect(status).toBe(429);
    await sleep(450);
    const fresh = await httpGet(url);
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('x-mbx-used-weight-1m')).toBe('4');
  });
});
