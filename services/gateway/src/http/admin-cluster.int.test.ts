/**
 * The gateway's price cache and the admin views, against a real Redis, two market-data pods
 * (processes, one leader elected through Redis) on the exchange simulator: a crowd of pollers
 * costs the pods one request per TTL, a held ETag gets a 304 from the cache, errors pass through
 * uncached, operators read the figures and clear them; the cluster view names every pod, the
 * leader and epoch they agree on, the upstream with its breaker, and a pod that is down.
 */
import { randomUUID } from 'node:crypto';
import {
  sampleValue,
  startExchangeSim,
  startPodProcess,
  startTestRedis,
  waitFor,
  parsePrometheusText,
  type ExchangeSim,
  type PodProcess,
  type TestRedis,
} from '@tickwire/testkit';
import {
  bearer,
  freshGatewayNamespace,
  send,
  startGatewayHarness,
  type GatewayHarness,
} from '../testing/gateway-harness';

jest.setTimeout(60_000);

let redis: TestRedis;
let sim: ExchangeSim;
const pods: PodProcess[] = [];
const harnesses: GatewayHarness[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  sim = await startExchangeSim({ seed: 11, tradesPerSecond: 20, tickerIntervalMs: 250 });
  const namespace = `t${randomUUID().slice(0, 8)}`;
  for (const id of ['pod-a', 'pod-b'])
    pods.push(
      await startPodProcess({
        INSTANCE_ID: id,
        REDIS_URL: redis.url,
        REDIS_NAMESPACE: namespace,
        BINANCE_WS_URL: sim.wsUrl,
        BINANCE_REST_URL: sim.url,
        SYMBOLS: 'BTCUSDT,ETHUSDT',
      }),
    );
  for (const pod of pods)
    await waitFor(async () => (await fetch(`${pod.url}/v1/prices/BTCUSDT`)).status === 200, {
      timeoutMs: 15_000,
      what: `${pod.url} serving prices`,
    });
});

afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((harness) => harness.stop()));
});

afterAll(async () => {
  await Promise.all(pods.map((pod) => pod.stop()));
  await sim?.stop();
  await redis?.stop();
});

async function gatewayWith(env: Record<string, string>): Promise<GatewayHarness> {
  const harness = await startGatewayHarness({
    REDIS_URL: redis.url,
    GATEWAY_NAMESPACE: freshGatewayNamespace(),
    MARKET_DATA_URLS: pods[0]!.url,
    ...env,
  });
  harnesses.push(harness);
  return harness;
}

/** Price requests the pod has answered on `route`, from its own metrics. */
async function podPriceRequests(pod: PodProcess, route: string): Promise<number> {
  const text = await (await fetch(`${pod.url}/metrics`)).text();
  return sampleValue(parsePrometheusText(text), 'tickwire_http_requests_total', { route });
}

describe('the price cache', () => {
  it('answers a crowd of pollers with one pod request per TTL, and a held ETag with a 304', async () => {
    const harness = await gatewayWith({ PRICE_CACHE_TTL_MS: '1000' });
    const { key } = await harness.gateway.keys.create({ name: 'poller', scope: 'read' });
    const url = `${harness.url}/v1/prices?symbols=BTCUSDT,ETHUSDT`;
    const before = await podPriceRequests(pods[0]!, '/v1/prices');
    const started = Date.now();
    const crowd = await Promise.all(Array.from({ length: 50 }, () => send(url, { headers: bearer(key) })));
    const elapsed = Date.now() - started;
    expect(crowd.map((answer) => answer.status)).toEqual(Array<number>(50).fill(200));
    const misses = crowd.filter((answer) => answer.headers['x-tickwire-cache'] === 'miss').length;
    // All 50 inside one TTL share one pod request; a starved machine that spreads the crowd over
    // several TTLs may ask once more per TTL, never more.
    expect(misses).toBeGreaterThanOrEqual(1);
    expect(misses).toBeLessThanOrEqual(1 + Math.ceil(elapsed / 1_000));
    if (elapsed < 1_000) expect(misses).toBe(1);
    // Every hit repeats the answer of a miss: no more distinct bodies than pod requests.
    expect(new Set(crowd.map((answer) => answer.body)).size).toBeLessThanOrEqual(misses);
    expect((await podPriceRequests(pods[0]!, '/v1/prices')) - before).toBe(misses);
    expect(crowd[0]!.headers['cache-control']).toBe('public, max-age=1, must-revalidate');

    const etag = crowd[0]!.headers.etag!;
    const held = await send(url, { headers: { ...bearer(key), 'if-none-match': etag } });
    // A hit answers 304 exactly while the cache holds the answer the client has. A crowd spread
    // over two TTLs may have left a newer answer there: then 200 with its own ETag.
    if (held.headers['x-tickwire-cache'] === 'hit') {
      const unchanged = held.headers.etag === etag;
      expect(held.status).toBe(unchanged ? 304 : 200);
      if (unchanged) expect(held.body).toBe('');
      if (elapsed < 1_000) expect(unchanged).toBe(true);
    }

    const stats = (
      await send(`${harness.url}/v1/admin/cache`, {
        headers: bearer((await harness.gateway.keys.create({ name: 'ops', scope: 'admin' })).key),
      })
    ).json() as Record<string, number>;
    expect(stats).toMatchObject({ ttlMs: 1000, entries: 1, maxEntries: 1000, requests: 51 });
    expect(stats.hits! + stats.misses!).toBe(51);
    expect(stats.hitRatio).toBeCloseTo(stats.hits! / 51, 10);
    expect(stats.oldestAgeMs).toBeGreaterThanOrEqual(0);
  });

  it('asks a pod again once the TTL is over, passes errors through uncached, and is cleared by an admin', async () => {
    const harness = await gatewayWith({ PRICE_CACHE_TTL_MS: '200' });
    const { key } = await harness.gateway.keys.create({ name: 'reader', scope: 'read' });
    const { key: admin } = await harness.gateway.keys.create({ name: 'ops', scope: 'admin' });
    const url = `${harness.url}/v1/prices/BTCUSDT`;
    expect((await send(url, { headers: bearer(key) })).headers['x-tickwire-cache']).toBe('miss');
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await send(url, { headers: bearer(key) })).headers['x-tickwire-cache']).toBe('miss');

    const unknown = `${harness.url}/v1/prices/NOPEUSDT`;
    for (let i = 0; i < 2; i += 1) {
      const answer = await send(unknown, { headers: bearer(key) });
      expect([answer.status, answer.headers['x-tickwire-cache']]).toEqual([404, 'miss']);
      expect(answer.json()).toMatchObject({ error: { code: 'UNKNOWN_SYMBOL' } });
    }

    const refused = await send(`${harness.url}/v1/admin/cache`, { method: 'DELETE', headers: bearer(key) });
    expect(refused.status).toBe(403);
    const cleared = await send(`${harness.url}/v1/admin/cache`, { method: 'DELETE', headers: bearer(admin) });
    expect([cleared.status, cleared.json()]).toEqual([200, { cleared: 1 }]);
    const after = (await send(`${harness.url}/v1/admin/cache`, { headers: bearer(admin) })).json();
    expect(after).toMatchObject({
      entries: 0,
      requests: 0,
      hits: 0,
      misses: 0,
      hitRatio: null,
      oldestAgeMs: null,
    });
    expect((await send(url, { headers: bearer(key) })).headers['x-tickwire-cache']).toBe('miss');
  });

  it('is off with PRICE_CACHE_TTL_MS=0: every request reaches a pod', async () => {
    const harness = await gatewayWith({ PRICE_CACHE_TTL_MS: '0' });
    const { key } = await harness.gateway.keys.create({ name: 'reader', scope: 'read' });
    const before = await podPriceRequests(pods[0]!, '/v1/prices/:symbol');
    for (let i = 0; i < 3; i += 1) {
      const answer = await send(`${harness.url}/v1/prices/ETHUSDT`, { headers: bearer(key) });
      expect(answer.status).toBe(200);
      expect(answer.headers['x-tickwire-cache']).toBeUndefined();
    }
    expect((await podPriceRequests(pods[0]!, '/v1/prices/:symbol')) - before).toBe(3);
  });
});

describe('the admin cluster view', () => {
  it('names every pod, the leader and epoch they agree on, the upstream and its breaker, and a pod that is down', async () => {
    // Port 0: refused by the kernel, where a freed port may meanwhile be another test's server.
    const down = 'http://127.0.0.1:0';
    const harness = await gatewayWith({
      MARKET_DATA_URLS: [...pods.map((pod) => pod.url), down].join(','),
    });
    const { key: admin } = await harness.gateway.keys.create({ name: 'ops', scope: 'admin' });
    const { key: reader } = await harness.gateway.keys.create({ name: 'reader', scope: 'read' });
    // A starved machine may miss a first probe's deadline: the view is read once both are routed.
    await waitFor(() => harness.gateway.pods.counts().healthy === 2, {
      timeoutMs: 10_000,
      what: 'both pods routed',
    });
    expect((await send(`${harness.url}/v1/admin/cluster`, { headers: bearer(reader) })).status).toBe(403);

    const answer = await send(`${harness.url}/v1/admin/cluster`, { headers: bearer(admin) });
    expect(answer.status).toBe(200);
    expect(answer.headers['cache-control']).toBe('no-store');
    const view = answer.json() as {
      pods: {
        url: string;
        routed: boolean;
        instanceId?: string;
        role?: string;
        epoch?: number;
        error?: string;
      }[];
      leader: { instanceId: string; epoch: number } | null;
      agreed: boolean;
      upstreams: { exchange: string; connection: string; breaker: string; restFallback: string }[];
      symbols: string[];
      priceCache: { ttlMs: number };
    };
    expect(view.pods).toHaveLength(3);
    const [a, b, gone] = view.pods;
    expect([a!.instanceId, b!.instanceId]).toEqual(['pod-a', 'pod-b']);
    expect([a!.routed, b!.routed, gone!.routed]).toEqual([true, true, false]);
    expect(gone).toMatchObject({ url: down });
    expect(gone!.error).toContain('/v1/status');
    const leaders = view.pods.filter((pod) => pod.role === 'leader');
    expect(leaders).toHaveLength(1);
    expect(view.leader).toEqual({ instanceId: leaders[0]!.instanceId, epoch: leaders[0]!.epoch });
    expect(view.agreed).toBe(true);
    expect(view.upstreams).toEqual([
      expect.objectContaining({
        exchange: 'binance',
        connection: 'open',
        breaker: 'closed',
        restFallback: 'idle',
      }),
    ]);
    expect(view.symbols).toEqual(expect.arrayContaining(['BTCUSDT', 'ETHUSDT']));
    expect(view.priceCache.ttlMs).toBe(500);
  });
});
