/** The REST, health and metrics endpoints of a pod fed by the simulator, errors included. */
import { request } from 'node:http';
import { sampleValue, waitFor } from '@tickwire/testkit';
import { startPodHarness, type PodHarness } from './testing/pod-harness';

jest.setTimeout(20_000);

interface ErrorBody {
  error: { code: string; message: string };
}

/**
 * A plain HTTP GET: fetch would normalize a malformed path, and it adds `Cache-Control:
 * no-cache` to conditional requests, which (rightly) defeats a 304.
 */
function rawGet(
  url: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; etag: string | undefined }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const req = request({ hostname, port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, etag: res.headers.etag }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Prices go stale this long after their last update (ms): short, for the test that waits for it,
 * yet longer than the REST fallback's poll (1 s) plus a stall of this process, which delays the
 * reading of updates but not the clock.
 */
const STALE_AFTER_MS = 4_000;

describe('market-data pod HTTP API', () => {
  let harness: PodHarness;

  beforeAll(async () => {
    harness = await startPodHarness({ STALE_AFTER_MS: String(STALE_AFTER_MS) });
    // Both symbols priced by both streams (aggTrade for last, ticker for the 24 h fields).
    await waitFor(
      async () => {
        const { prices } = (await (await harness.get('/v1/prices')).json()) as {
          prices: { open?: string }[];
        };
        return prices.length === 2 && prices.every((p) => p.open !== undefined);
      },
      { timeoutMs: 5_000, what: 'full prices for both symbols' },
    );
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it('serves all prices, a list, and one symbol, with ETag revalidation', async () => {
    const all = await harness.get('/v1/prices');
    expect(all.status).toBe(200);
    expect(all.headers.get('cache-control')).toContain('max-age=1');
    const body = (await all.json()) as { prices: { symbol: string; last: string; stale: boolean }[] };
    expect(body.prices.map((p) => p.symbol)).toEqual(['BTCUSDT', 'ETHUSDT']);
    expect(body.prices[0]).toMatchObject({ exchange: 'binance', stale: false, source: 'ws' });

    const one = await harness.get('/v1/prices/btcusdt');
    expect(one.status).toBe(200);
    const etag = one.headers.get('etag')!;
    expect(etag).toBeTruthy();
    const ticker = (await one.json()) as Record<string, unknown>;
    for (const field of [
      'last',
      'bid',
      'ask',
      'open',
      'high',
      'low',
      'change',
      'changePct',
      'baseVolume',
      'quoteVolume',
    ]) {
      expect(ticker[field]).toMatch(/^-?\d+(\.\d+)?$/);
    }
    expect(typeof ticker.eventTime).toBe('number');
    expect(typeof ticker.receiveTime).toBe('number');

    const list = await harness.get('/v1/prices?symbols=ETHUSDT');
    expect(((await list.json()) as { prices: unknown[] }).prices).toHaveLength(1);

    // Within the same moment the body is unchanged, so the ETag matches; under a live feed we
    // retry until we catch a quiet instant.
    await waitFor(
      async () => {
        const first = await rawGet(harness.url, '/v1/prices/ETHUSDT');
        const again = await rawGet(harness.url, '/v1/prices/ETHUSDT', { 'If-None-Match': first.etag! });
        return again.status === 304 && again.body === '';
      },
      { timeoutMs: 5_000, what: 'a 304 Not Modified' },
    );
  });

  it('answers bad input with a clear 4xx JSON error', async () => {
    const cases: [string, number, string][] = [
      ['/v1/prices/NOPEUSDT', 404, 'UNKNOWN_SYMBOL'],
      ['/v1/prices?symbols=BTCUSDT,NOPE', 404, 'UNKNOWN_SYMBOL'],
      ['/v1/prices?symbols=BTC%20USDT', 400, 'INVALID_SYMBOL'],
      ['/v1/prices?symbols=A&symbols=B', 400, 'BAD_REQUEST'],
      [
        `/v1/prices?symbols=${Array.from({ length: 101 }, (_, i) => `S${i}`).join(',')}`,
        400,
        'TOO_MANY_SYMBOLS',
      ],
      ['/v1/stream?symbols=NOPE', 404, 'UNKNOWN_SYMBOL'],
      ['/v1/stream?symbols=BTCUSDT&throttle=fast', 400, 'BAD_REQUEST'],
      ['/v1/candles/BTCUSDT?interval=7m', 400, 'BAD_REQUEST'],
      ['/v1/candles/BTCUSDT?limit=0', 400, 'BAD_REQUEST'],
      ['/v1/candles/BTCUSDT?limit=100000', 400, 'BAD_REQUEST'],
      ['/v2/anything', 404, 'NOT_FOUND'],
    ];
    for (const [path, status, code] of cases) {
      const res = await harness.get(path);
      expect({ path, status: res.status }).toEqual({ path, status });
      expect(((await res.json()) as ErrorBody).error.code).toBe(code);
    }
    const malformed = await rawGet(harness.url, '/v1/prices/%E0%A4%A');
    expect(malformed.status).toBe(400);
    expect((JSON.parse(malformed.body) as ErrorBody).error.code).toBe('BAD_REQUEST');
  });

  it('serves candles aggregated from the ticks', async () => {
    const res = await harness.get('/v1/candles/BTCUSDT?interval=1m&limit=5');
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      candles: { open: string; high: string; low: string; close: string; volume: string }[];
    };
    expect(body.candles.length).toBeGreaterThanOrEqual(1);
    expect(body.candles.length).toBeLessThanOrEqual(5);
    const candle = body.candles.at(-1)!;
    for (const field of ['open', 'high', 'low', 'close'] as const)
      expect(candle[field]).toMatch(/^\d+\.\d{8}$/);
    expect(Number(candle.volume)).toBeGreaterThan(0);
  });

  it('reports its status', async () => {
    const status = (await (await harness.get('/v1/status')).json()) as Record<string, unknown>;
    expect(status).toMatchObject({ role: 'leader', engine: 'memory', epoch: 1, state: 'live' });
    expect(status.leaderId).toBe(status.instanceId);
    expect(status.upstream).toMatchObject({ exchange: 'binance', connection: 'open' });
  });

  it('exposes Prometheus metrics that parse, with the tickwire_ prefix', async () => {
    const res = await harness.get('/metrics');
    expect(res.headers.get('content-type')).toContain('text/plain');
    const metrics = await harness.metrics();
    const names = [...metrics.types.keys()];
    expect(names.length).toBeGreaterThan(10);
    expect(names.every((name) => name.startsWith('tickwire_'))).toBe(true);
    expect(sampleValue(metrics, 'tickwire_upstream_connected', { exchange: 'binance' })).toBe(1);
    expect(sampleValue(metrics, 'tickwire_ticks_published_total')).toBeGreaterThan(0);
    expect(metrics.types.get('tickwire_tick_latency_seconds')).toBe('histogram');
    expect(sampleValue(metrics, 'tickwire_http_requests_total')).toBeGreaterThan(0);
  });

  it('serves REST-polled prices, fresh and marked with their source, while the WebSocket is refused', async () => {
    harness.sim.faults.refuseConnections(true);
    harness.sim.faults.dropAll();
    const rest = await waitFor(
      async () => {
        const ticker = (await (await harness.get('/v1/prices/BTCUSDT')).json()) as {
          source: string;
          stale: boolean;
        };
        return ticker.source === 'rest' ? ticker : undefined;
      },
      { timeoutMs: 5_000, what: 'a REST-sourced price' },
    );
    expect(rest.stale).toBe(false);
    const status = (await (await harness.get('/v1/status')).json()) as {
      state: string;
      upstream: { restFallback: { state: string } };
    };
    expect(status.state).toBe('degraded');
    expect(status.upstream.restFallback.state).toBe('polling');
    harness.sim.faults.refuseConnections(false);
    await waitFor(
      async () =>
        ((await (await harness.get('/v1/prices/BTCUSDT')).json()) as { source: string }).source === 'ws',
      { timeoutMs: 8_000, what: 'WebSocket prices again' },
    );
  });

  it('turns /health to 503 when the upstream and its REST fallback are down and prices go stale, and back when it recovers', async () => {
    const healthy = await harness.get('/health');
    expect(healthy.status).toBe(200);
    expect(healthy.headers.get('content-type')).toContain('application/health+json');
    expect(await healthy.json()).toMatchObject({ status: 'pass' });

    harness.sim.faults.refuseConnections(true);
    harness.sim.faults.restFault({ status: 503, count: 1_000_000 });
    harness.sim.faults.dropAll();
    const failing = await waitFor(
      async () => {
        const res = await harness.get('/health');
        return res.status === 503
          ? ((await res.json()) as { status: string; checks: Record<string, { status: string }[]> })
          : undefined;
      },
      { timeoutMs: 5_000, what: '/health to fail' },
    );
    expect(failing.status).toBe('fail');
    expect(failing.checks['upstream:connection']![0]!.status).toBe('fail');
    expect((await harness.get('/livez')).status).toBe(200);
    expect((await harness.get('/readyz')).status).toBe(200);
    await waitFor(
      async () => ((await (await harness.get('/v1/prices/BTCUSDT')).json()) as { stale: boolean }).stale,
      {
        timeoutMs: STALE_AFTER_MS + 5_000,
        what: 'prices flagged stale',
      },
    );

    harness.sim.faults.reset();
    await waitFor(async () => (await harness.get('/health')).status === 200, {
      timeoutMs: 8_000,
      what: '/health to recover',
    });
    expect(((await (await harness.get('/v1/status')).json()) as { state: string }).state).toBe('live');
  });
});
