/** The Massive simulator's REST API: batch snapshot, reference tickers paged by next_url, market status, plans. */
import { createMassiveAdapter } from '@tickwire/exchanges';
import { startMassiveSim, type MassiveSim, type MassiveSimOptions } from './index';

jest.setTimeout(10_000);

let sim: MassiveSim | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

const KEY = 'sim-key';
const STOCKS = Array.from(
  { length: 50 },
  (_, i) => `S${String.fromCharCode(65 + Math.floor(i / 26))}${String.fromCharCode(65 + (i % 26))}`,
);

async function begin(options: MassiveSimOptions = {}): Promise<MassiveSim> {
  sim = await startMassiveSim({ stocks: STOCKS, tradesPerSecond: 20, ...options });
  return sim;
}

async function get(url: string, key: string | null = KEY): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { headers: key === null ? {} : { Authorization: `Bearer ${key}` } });
  return { status: res.status, text: await res.text() };
}

describe('Massive REST', () => {
  it('answers the snapshot of 50 tickers in one request, parsed exactly by the adapter', async () => {
    const s = await begin();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const adapter = createMassiveAdapter({ apiKey: KEY, feed: 'realtime' });
    const [request, ...more] = adapter.restTickerRequests!(
      s.url,
      STOCKS.map((t) => `MASSIVE:${t}`),
    );
    expect(more).toEqual([]);
    const res = await fetch(request!.url, { headers: request!.headers });
    expect(res.status).toBe(200);
    const body = await res.text();
    const updates = adapter.parseRestTickerResponse!(request!, body, Date.now());
    expect(updates.map((u) => u.symbol)).toEqual(STOCKS.map((t) => `MASSIVE:${t}`));
    expect(s.stats().snapshotRequests).toBe(1);
    expect(s.stats().lastSnapshotTickers).toBe(50);
    // The 19-digit ns time is cut to ms from its text.
    const ns = /"lastTrade":\{[^}]*"t":(\d{19})/.exec(body)?.[1];
    expect(ns).toBeDefined();
    expect(updates[0]?.eventTime).toBe(Number(ns!.slice(0, 13)));
  });

  it('refuses a missing key with 401 and the snapshot to the free plan with 403', async () => {
    const s = await begin({ plan: 'basic' });
    expect((await get(`${s.url}/v1/marketstatus/now`, null)).status).toBe(401);
    const refused = await get(`${s.url}/v2/snapshot/locale/us/markets/stocks/tickers?tickers=SAA`);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.text)).toMatchObject({ status: 'NOT_AUTHORIZED' });
  });

  it('allows the free plan 5 calls a minute, then 429', async () => {
    const s = await begin({ plan: 'basic' });
    let admitted = 0;
    // Calls until the first 429 (the key in the query this time); a clock minute turning
    // between calls admits at most 5 more.
    while ((await get(`${s.url}/v1/marketstatus/now?apiKey=${KEY}`, null)).status === 200 && admitted < 11)
      admitted += 1;
    expect(admitted).toBeGreaterThanOrEqual(5);
    expect(admitted).toBeLessThanOrEqual(10);
    expect(s.stats().rest429).toBeGreaterThanOrEqual(1);
  });

  it('pages the reference tickers through next_url without the key', async () => {
    const s = await begin({ referencePageSize: 20 });
    const adapter = createMassiveAdapter({ apiKey: KEY });
    const list = adapter.symbolList!;
    let request = list.requests(s.url)[0];
    const symbols: string[] = [];
    const names: string[] = [];
    let pages = 0;
    while (request) {
      const res = await fetch(request.url, { headers: request.headers });
      const body = await res.text();
      expect(body).not.toContain(KEY);
      for (const { symbol, name } of list.parse(request, body)) {
        symbols.push(symbol);
        names.push(name);
      }
      request = list.nextPage?.(request, body, s.url);
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(symbols).toEqual(STOCKS.map((t) => `MASSIVE:${t}`).sort());
    // Company names from the catalog, not the tickers.
    expect(names.every((name, i) => name.length > 0 && name !== symbols[i]!.slice('MASSIVE:'.length))).toBe(
      true,
    );
  });

  it('reports the market closed', async () => {
    const s = await begin();
    expect(JSON.parse((await get(`${s.url}/v1/marketstatus/now`)).text)).toMatchObject({ market: 'open' });
    s.faults.setMarketOpen(false);
    expect(JSON.parse((await get(`${s.url}/v1/marketstatus/now`)).text)).toMatchObject({ market: 'closed' });
  });
});
