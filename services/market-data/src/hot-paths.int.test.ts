/**
 * The routes served before express (GET /v1/prices[/:symbol] and GET /v1/stream) on a pod fed by
 * the simulator: pre-encoded bodies with ETags and 304s, express-compatible matching, metrics,
 * and SSE frames written straight to the socket in both HTTP framings.
 */
import { connect } from 'node:net';
import { request } from 'node:http';
import { openSse, sampleValue, waitFor } from '@tickwire/testkit';
import { startPodHarness, type PodHarness } from './testing/pod-harness';

jest.setTimeout(20_000);

/** A plain HTTP request (fetch adds `Cache-Control: no-cache` to conditional requests). */
function rawRequest(
  url: string,
  path: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const req = request(
      { hostname, port, path, method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('hot paths of a market-data pod', () => {
  let harness: PodHarness;

  beforeAll(async () => {
    // Trades only: when the simulator stops trading, prices (and so ETags) stay put.
    harness = await startPodHarness({ BINANCE_STREAMS: 'aggTrade' });
    await waitFor(
      async () => {
        const { prices } = (await (await harness.get('/v1/prices')).json()) as { prices: unknown[] };
        return prices.length === 2;
      },
      { timeoutMs: 5_000, what: 'prices for both symbols' },
    );
  });

  afterAll(async () => {
    await harness?.stop();
  });

  afterEach(() => harness.sim.setTradesPerSecond(20));

  /**
   * Stops trading and waits until the pod serves each symbol's last trade. A fixed pause would
   * not do: after a stall of this process the pause's timer runs before the frames in flight are
   * read, and a price then changes under the test.
   */
  async function stopTrading(): Promise<void> {
    harness.sim.setTradesPerSecond(0);
    for (const symbol of ['BTCUSDT', 'ETHUSDT']) {
      const trades = harness.sim
        .recentEvents({ stream: `${symbol.toLowerCase()}@aggTrade` })
        .map((event) => event.data as { E: number; p: string });
      const { p } = trades.at(-1)!;
      // The simulator stamps some trades' E 1 ms after their time, so after a stall, when one
      // timer turn emits several trades, the last may carry an earlier E than one before it. The
      // pod never moves eventTime backwards: it serves the greatest E with the last price.
      const eventTime = Math.max(...trades.map((trade) => trade.E));
      await waitFor(
        async () => {
          const served = (await (await harness.get(`/v1/prices/${symbol}`)).json()) as {
            last: string;
            eventTime: number;
          };
          return served.eventTime === eventTime && served.last === p;
        },
        { timeoutMs: 5_000, what: `the last ${symbol} trade served` },
      );
    }
  }

  it('answers 304 to If-None-Match while a price is unchanged, and 200 with a new ETag once it changes', async () => {
    await stopTrading();
    for (const path of ['/v1/prices/BTCUSDT', '/v1/prices', '/v1/prices?symbols=ETHUSDT']) {
      const first = await rawRequest(harness.url, path);
      expect(first.status).toBe(200);
      expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(first.headers['cache-control']).toBe('public, max-age=1, must-revalidate');
      const etag = first.headers.etag as string;
      expect(etag).toMatch(/^W\/"/);
      const again = await rawRequest(harness.url, path, { headers: { 'If-None-Match': etag } });
      expect({ path, status: again.status, body: again.body, etag: again.headers.etag }).toEqual({
        path,
        status: 304,
        body: '',
        etag,
      });
    }
    const before = await rawRequest(harness.url, '/v1/prices/BTCUSDT');
    harness.sim.setTradesPerSecond(50);
    const changed = await waitFor(
      async () => {
        const res = await rawRequest(harness.url, '/v1/prices/BTCUSDT', {
          headers: { 'If-None-Match': before.headers.etag as string },
        });
        return res.status === 200 ? res : undefined;
      },
      { timeoutMs: 5_000, what: 'a new price' },
    );
    expect(changed.headers.etag).not.toBe(before.headers.etag);
    expect((JSON.parse(changed.body) as { last: string }).last).toMatch(/^\d+\.\d{8}$/);
  });

  it('matches paths like express did: any case, one trailing slash, HEAD without a body', async () => {
    expect((await rawRequest(harness.url, '/V1/Prices/btcusdt/')).status).toBe(200);
    expect((await rawRequest(harness.url, '/v1/prices/')).status).toBe(200);
    const head = await rawRequest(harness.url, '/v1/prices/ETHUSDT', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers['content-length'])).toBeGreaterThan(50);
    expect(head.body).toBe('');
    expect((await rawRequest(harness.url, '/v1/prices/BTCUSDT/extra')).status).toBe(404);
    // A known path with a method it does not serve is a 405, as on express's routes.
    expect((await rawRequest(harness.url, '/v1/prices/BTCUSDT', { method: 'POST' })).status).toBe(405);
  });

  it('counts hot-path requests by route and status in /metrics', async () => {
    const res = await rawRequest(harness.url, '/v1/prices/NOPEUSDT');
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body)).toEqual({ error: { code: 'UNKNOWN_SYMBOL', message: expect.any(String) } });
    const metrics = await harness.metrics();
    expect(
      sampleValue(metrics, 'tickwire_http_requests_total', { route: '/v1/prices/:symbol', status: '404' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sampleValue(metrics, 'tickwire_http_requests_total', { route: '/v1/prices/:symbol', status: '200' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('opens a stream with a snapshot holding the same prices REST serves', async () => {
    await stopTrading();
    const sse = await openSse(`${harness.url}/v1/stream?symbols=ETHUSDT,BTCUSDT`);
    try {
      await sse.waitForEvents((events) => events.some((e) => e.event === 'status'), 5_000);
      const snapshot = JSON.parse(sse.events[0]!.data) as { tickers: { symbol: string }[] };
      const rest = JSON.parse((await rawRequest(harness.url, '/v1/prices?symbols=ETHUSDT,BTCUSDT')).body) as {
        prices: unknown[];
      };
      expect(new Set(snapshot.tickers)).toEqual(new Set(rest.prices));
    } finally {
      sse.close();
    }
  });

  it('streams to an HTTP/1.0 client without chunk framing', async () => {
    const port = new URL(harness.url).port;
    const socket = connect(Number(port), '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
    try {
      socket.write('GET /v1/stream?symbols=BTCUSDT HTTP/1.0\r\nHost: localhost\r\n\r\n');
      await waitFor(() => (received.match(/event: tick/g) ?? []).length >= 2, {
        timeoutMs: 5_000,
        what: 'two ticks over HTTP/1.0',
      });
      const [head, body] = received.split('\r\n\r\n');
      expect(head).toMatch(/^HTTP\/1\.1 200/);
      expect(head!.toLowerCase()).not.toContain('transfer-encoding');
      // Every line of the body is SSE: no chunk-size lines in between.
      for (const line of body!.split('\n'))
        expect(line).toMatch(/^(|retry: \d+|id: \S+|event: \w+|data: .*|:hb)$/);
    } finally {
      socket.destroy();
    }
  });
});
