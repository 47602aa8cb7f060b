import { createFinnhubAdapter } from '@tickwire/exchanges';
import { httpGet, httpPost, sleep, withTimeout, type HttpAnswer } from '../test-support/ws-test-client';
import { useVenueFixture } from '../test-support/venue-fixture';
import { FinnhubCandleBodies, FinnhubRestBodies, startFinnhubSim, type FinnhubSimOptions } from './index';

jest.setTimeout(10_000);

const { start } = useVenueFixture(startFinnhubSim, { tradesPerSecond: 20 } satisfies FinnhubSimOptions);

const TOKEN = 'sim-key';

function get(url: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return withTimeout(
    fetch(url, { headers }).then(async (res) => {
      const text = await res.text();
      return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as unknown };
    }),
    3_000,
    `GET ${url}`,
  );
}

/** The per-minute window is aligned to the clock: keep a burst of requests inside one minute. */
async function awayFromMinuteEdge(): Promise<void> {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 58_500) await sleep(60_000 - intoMinute + 50);
}

describe('GET /api/v1/quote', () => {
  it('answers c/d/dp/h/l/o/pc as JSON numbers and t in epoch seconds, with rate-limit headers', async () => {
    const sim = await start();
    await sleep(100);
    sim.setTradesPerSecond(0); // so the last trade cannot move between the answer and the check
    // The simulator reads its clock between these two readings of ours.
    const beforeSec = Math.floor(Date.now() / 1000);
    const res = await httpGet(`${sim.url}/api/v1/quote?symbol=AAPL&token=${TOKEN}`);
    const afterSec = Math.floor(Date.now() / 1000);
    expect(res.status).toBe(200);
    expect(res.text).toMatch(
      /^\{"c":\d+(\.\d+)?,"d":-?\d+(\.\d+)?,"dp":-?\d+(\.\d+)?,"h":[\d.]+,"l":[\d.]+,"o":[\d.]+,"pc":[\d.]+,"t":\d+\}$/,
    );
    const quote = res.json();
    expect(quote.t).toBeGreaterThan(beforeSec - 5);
    expect(quote.t).toBeLessThanOrEqual(afterSec);
    expect(quote.l).toBeLessThanOrEqual(quote.c);
    expect(quote.h).toBeGreaterThanOrEqual(quote.c);
    expect(quote.d).toBeCloseTo(quote.c - quote.pc, 6);
    const last = sim.recentEvents({ symbol: 'AAPL' }).at(-1)?.data as { p: number } | undefined;
    expect(quote.c).toBe(last?.p);
    expect(res.headers.get('x-ratelimit-limit')).toBe('60');
    expect(res.headers.get('x-ratelimit-remaining')).toBe('59');
    const reset = Number(res.headers.get('x-ratelimit-reset'));
    expect(reset % 60).toBe(0);
    // The end of the minute the request fell in: after the request, at most a minute after it.
    expect(reset).toBeGreaterThan(beforeSec);
    expect(reset).toBeLessThanOrEqual(afterSec + 60);
    expect(res.headers.get('retry-after')).toBeNull();
  });

  it('takes the key from the X-Finnhub-Token header and refuses a missing or bad key with 401', async () => {
    const sim = await start();
    expect((await get(`${sim.url}/api/v1/quote?symbol=MSFT`, { 'X-Finnhub-Token': TOKEN })).status).toBe(200);
    const missing = await httpGet(`${sim.url}/api/v1/quote?symbol=MSFT`);
    expect(missing.status).toBe(401);
    expect(missing.text).toBe('{"error":"Invalid API key"}');
    expect((await httpGet(`${sim.url}/api/v1/quote?symbol=MSFT&token=nope`)).status).toBe(401);
    expect(sim.stats()).toMatchObject({ restRequests: 3, rest401: 2 });
  });

  it('answers an unknown symbol with HTTP 200 and the all-zero body', async () => {
    const sim = await start();
    const res = await httpGet(`${sim.url}/api/v1/quote?symbol=NOPE&token=${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.text).toBe('{"c":0,"d":null,"dp":null,"h":0,"l":0,"o":0,"pc":0,"t":0}');
  });

  it('refuses the call over the per-minute budget with 429, headers and no Retry-After', async () => {
    await awayFromMinuteEdge();
    const sim = await start({ restCallsPerMinute: 3, apiKeys: [TOKEN, 'k2'] });
    const url = `${sim.url}/api/v1/quote?symbol=AAPL&token=${TOKEN}`;
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 3; i++) remaining.push((await httpGet(url)).headers.get('x-ratelimit-remaining'));
    expect(remaining).toEqual(['2', '1', '0']);
    const refused = await httpGet(url);
    expect(refused.status).toBe(429);
    expect(refused.text).toBe(FinnhubRestBodies.limitReached);
    expect(refused.headers.get('x-ratelimit-limit')).toBe('3');
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(refused.headers.get('x-ratelimit-reset')) % 60).toBe(0);
    expect(refused.headers.get('retry-after')).toBeNull();
    expect(sim.stats().rest429).toBe(1);
    // The budget is per API key.
    expect((await get(`${sim.url}/api/v1/quote?symbol=AAPL`, { 'X-Finnhub-Token': 'k2' })).status).toBe(200);
  });

  it('refuses more than restCallsPerSecond calls in a rolling second, then admits again', async () => {
    await awayFromMinuteEdge();
    const sim = await start({ restCallsPerSecond: 2, apiKeys: [TOKEN, 'k2'] });
    const url = `${sim.url}/api/v1/quote?symbol=AAPL&token=${TOKEN}`;
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await httpGet(url)).status);
    expect(statuses).toEqual([200, 200, 429]);
    expect((await httpGet(`${sim.url}/api/v1/quote?symbol=AAPL&token=k2`)).status).toBe(200);
    await sleep(1_050);
    expect((await httpGet(url)).status).toBe(200);
  });

  it('feeds the adapter: its quote request is admitted and parsed, t converted to ms', async () => {
    const sim = await start();
    const adapter = createFinnhubAdapter({ token: TOKEN });
    const [request] = adapter.restTickerRequests?.(sim.url, ['FINNHUB:BINANCE:ETHUSDT']) ?? [];
    if (!request) throw new Error('the adapter builds no quote request');
    const res = await get(request.url, { ...request.headers });
    expect(res.status).toBe(200);
    const [update] = adapter.parseRestTickerResponse?.(request, res.text, Date.now()) ?? [];
    expect(update).toMatchObject({ exchange: 'finnhub', symbol: 'FINNHUB:BINANCE:ETHUSDT', source: 'rest' });
    expect(update?.last).toBe(/"c":([\d.]+)/.exec(res.text)?.[1]);
    expect((update?.eventTime ?? 0) % 1000).toBe(0);
    const [unknown] = adapter.restTickerRequests?.(sim.url, ['FINNHUB:NOPE']) ?? [];
    if (!unknown) throw new Error('the adapter builds no quote request');
    const zero = await get(unknown.url, { ...unknown.headers });
    expect(() => adapter.parseRestTickerResponse?.(unknown, zero.text, Date.now())).toThrow(/no quote/);
  });
});

describe('symbol listings', () => {
  it('lists the US stocks and the crypto pairs of one venue', async () => {
    const sim = await start({
      stocks: ['AAPL', 'BRK.B'],
      cryptoSymbols: ['BINANCE:BTCUSDT', 'KRAKEN:XBTUSD'],
    });
    const stocks = (await httpGet(`${sim.url}/api/v1/stock/symbol?exchange=US&token=${TOKEN}`)).json();
    expect(stocks).toHaveLength(2);
    expect(stocks[0]).toMatchObject({
      currency: 'USD',
      description: 'APPLE INC',
      displaySymbol: 'AAPL',
      mic: 'XNAS',
      symbol: 'AAPL',
      type: 'Common Stock',
    });
    expect(stocks[0].figi).toMatch(/^BBG[0-9A-Z]{9}$/);
    const binance = await httpGet(`${sim.url}/api/v1/crypto/symbol?exchange=binance&token=${TOKEN}`);
    expect(binance.text).toBe(
      '[{"description":"Binance BTCUSDT","displaySymbol":"BTC/USDT","symbol":"BINANCE:BTCUSDT"}]',
    );
    const forex = (await httpGet(`${sim.url}/api/v1/forex/symbol?exchange=oanda&token=${TOKEN}`)).json();
    expect(forex).toEqual([
      { description: 'Oanda EUR/USD', displaySymbol: 'EUR/USD', symbol: 'OANDA:EUR_USD' },
    ]);
    expect((await httpGet(`${sim.url}/api/v1/crypto/symbol?exchange=nowhere&token=${TOKEN}`)).json()).toEqual(
      [],
    );
  });
});

describe('GET /api/v1/<market>/candle', () => {
  const HOUR_MS = 3_600_000;
  /** Read once: two reads may straddle a millisecond and give an hour that ends at :59.999. */
  const lastClosedHour = () => {
    const now = Date.now();
    return now - (now % HOUR_MS) - HOUR_MS;
  };

  it('refuses every market with 403 "You don\'t have access to this resource." on the free plan', async () => {
    const sim = await start();
    const to = Math.floor(Date.now() / 1_000);
    for (const [market, symbol] of [
      ['stock', 'AAPL'],
      ['crypto', 'BINANCE:BTCUSDT'],
      ['forex', 'OANDA:EUR_USD'],
    ]) {
      const res = await httpGet(
        `${sim.url}/api/v1/${market}/candle?symbol=${symbol}&resolution=1&from=${to - 600}&to=${to}&token=${TOKEN}`,
      );
      expect(res.status).toBe(403);
      expect(res.text).toBe('{"error":"You don\'t have access to this resource."}');
      expect(res.headers.get('x-ratelimit-limit')).toBe('60');
    }
    const adapter = createFinnhubAdapter({ token: TOKEN });
    expect(adapter.candleHistory?.entitlementRefusal?.(403, FinnhubCandleBodies.noAccess)).toBe(
      "You don't have access to this resource.",
    );
    expect(adapter.candleHistory?.entitlementRefusal?.(401, FinnhubRestBodies.invalidKey)).toBeUndefined();
  });

  it('serves a plan with candles: arrays oldest first, t in seconds, 4h folded by the adapter from 60', async () => {
    const sim = await start({ candles: 'served' });
    const source = createFinnhubAdapter({ token: TOKEN }).candleHistory;
    if (!source) throw new Error('the adapter has no candle history');
    const to = lastClosedHour();
    const minute = source.request(sim.url, 'FINNHUB:AAPL', '1m', to - 59 * 60_000, to);
    expect(minute.url).toContain('/api/v1/stock/candle?symbol=AAPL&resolution=1&');
    const minutes = await get(minute.url, { ...minute.headers });
    expect(minutes.status).toBe(200);
    expect(minutes.text).toMatch(
      /^\{"c":\[[\d.,]+\],"h":\[[\d.,]+\],"l":.*"s":"ok","t":\[\d+(,\d+)*\],"v":\[[\d.,]+\]\}$/,
    );
    const candles = source.parse('FINNHUB:AAPL', '1m', minutes.text);
    expect(candles.map((candle) => candle.openTime)).toEqual(
      Array.from({ length: 60 }, (_, i) => to - 59 * 60_000 + i * 60_000),
    );
    const fourHours = source.request(
      sim.url,
      'FINNHUB:OANDA:EUR_USD',
      '4h',
      to - (to % (4 * HOUR_MS)) - 4 * HOUR_MS,
      to - (to % (4 * HOUR_MS)) - 4 * HOUR_MS,
    );
    expect(fourHours.url).toContain('/api/v1/forex/candle?symbol=OANDA%3AEUR_USD&resolution=60&');
    const hours = await get(fourHours.url, { ...fourHours.headers });
    const [folded] = source.parse('FINNHUB:OANDA:EUR_USD', '4h', hours.text);
    const body = hours.json() as { t: number[]; o: number[]; c: number[]; v: number[] };
    expect(body.t).toHaveLength(4);
    expect(folded).toMatchObject({ interval: '4h', open: String(body.o[0]), close: String(body.c[3]) });
    expect(folded!.volume).toBe(String(body.v.reduce((sum, v) => sum + v, 0)));
    // A symbol of another market, or a range before the window: no data.
    const wrong = await get(
      `${sim.url}/api/v1/forex/candle?symbol=AAPL&resolution=1&from=0&to=60&token=${TOKEN}`,
    );
    expect(wrong.text).toBe(FinnhubCandleBodies.noData);
    expect(source.parse('FINNHUB:AAPL', '1m', wrong.text)).toEqual([]);
  });
});

describe('GET /api/v1/forex/rates', () => {
  it('refuses the free plan with the premium 403, and gives a plan with it the rates against the base', async () => {
    const free = await start({ forexSymbols: ['OANDA:EUR_USD', 'OANDA:EUR_GBP', 'OANDA:GBP_USD'] });
    const refused = await httpGet(`${free.url}/api/v1/forex/rates?base=EUR&token=${TOKEN}`);
    expect(refused.status).toBe(403);
    expect(refused.text).toBe('{"error":"You don\'t have access to this resource."}');
    await free.stop();

    const premium = await start({
      candles: 'served',
      forexSymbols: ['OANDA:EUR_USD', 'OANDA:EUR_GBP', 'OANDA:GBP_USD'],
    });
    premium.setTradesPerSecond(0);
    const rates = await httpGet(`${premium.url}/api/v1/forex/rates?token=${TOKEN}`);
    expect(rates.status).toBe(200);
    // EUR by default; the pairs quoted in EUR, JSON numbers; GBP/USD is not against EUR.
    expect(rates.text).toMatch(/^\{"base":"EUR","quote":\{"EUR":1,"GBP":\d+\.\d+,"USD":\d+\.\d+\}\}$/);
    const quote = (
      await httpGet(`${premium.url}/api/v1/quote?symbol=OANDA:EUR_USD&token=${TOKEN}`)
    ).json() as {
      c: number;
    };
    expect((rates.json() as { quote: Record<string, number> }).quote.USD).toBe(quote.c);
    expect((await httpGet(`${premium.url}/api/v1/forex/rates?base=usd&token=${TOKEN}`)).text).toBe(
      '{"base":"USD","quote":{"USD":1}}',
    );
    expect((await httpGet(`${premium.url}/api/v1/forex/rates?base=EURO&token=${TOKEN}`)).status).toBe(400);
  });
});

describe('Finnhub faults over HTTP', () => {
  it('serves the shared /_sim/ endpoints: stats, injected REST faults, reset of the budgets', async () => {
    await awayFromMinuteEdge();
    const sim = await start({ restCallsPerMinute: 1 });
    const url = `${sim.url}/api/v1/quote?symbol=AAPL&token=${TOKEN}`;
    expect((await httpPost(`${sim.url}/_sim/rest-fault?status=503&count=1`)).json()).toEqual({ ok: true });
    expect((await httpGet(url)).status).toBe(503);
    expect((await httpGet(url)).status).toBe(200);
    expect((await httpGet(url)).status).toBe(429);
    await httpPost(`${sim.url}/_sim/reset`);
    expect((await httpGet(url)).status).toBe(200);
    const stats = (await httpGet(`${sim.url}/_sim/stats`)).json();
    expect(stats).toMatchObject({ restRequests: 4, rest429: 1, wsConnections: 0 });
    expect((await httpGet(`${sim.url}/_sim/subscriptions`)).json()).toEqual({});
    expect((await httpPost(`${sim.url}/_sim/silence?symbol=AAPL&on=1`)).status).toBe(404);
  });
});
