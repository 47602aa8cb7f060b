/**
 * The gateway against a real Redis, real market-data pods (processes) and the exchange
 * simulator: keys and scopes, rate limits shared by replicas, key guessing, revocation, routing
 * to ready pods, and the HTTP edge.
 */
import { Agent } from 'node:http';
import {
  startExchangeSim,
  startPodProcess,
  startTestRedis,
  waitFor,
  type ExchangeSim,
  type PodProcess,
  type TestRedis,
} from '@tickwire/testkit';
import { STATIC_PAGE_CSP, verifyStreamToken } from '@tickwire/service';
import { generateApiKey, type Scope } from './keys';
import {
  bearer,
  freshGatewayNamespace,
  send,
  startGatewayHarness,
  type GatewayHarness,
  type SimpleResponse,
} from './testing/gateway-harness';

jest.setTimeout(120_000);

const OWNER_ID = '6f9f3c0e-8a51-4c1e-9a43-2b1f1f0a7d11';

let redis: TestRedis;
let sim: ExchangeSim;
const pods: PodProcess[] = [];
const harnesses: GatewayHarness[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  sim = await startExchangeSim({ seed: 7, tradesPerSecond: 20, tickerIntervalMs: 250 });
  for (const id of ['pod-1', 'pod-2'])
    pods.push(
      await startPodProcess({
        INSTANCE_ID: id,
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

/** `count` replicas sharing one fresh namespace, routing to the test's pods. */
async function replicas(count: number, env: Record<string, string> = {}): Promise<GatewayHarness[]> {
  const namespace = freshGatewayNamespace();
  const started: GatewayHarness[] = [];
  for (let i = 0; i < count; i += 1) {
    const harness = await startGatewayHarness({
      REDIS_URL: redis.url,
      GATEWAY_NAMESPACE: namespace,
      MARKET_DATA_URLS: pods.map((pod) => pod.url).join(','),
      INSTANCE_ID: `gateway-${i + 1}`,
      ...env,
    });
    harnesses.push(harness);
    started.push(harness);
  }
  return started;
}

async function createKey(
  harness: GatewayHarness,
  scope: Scope,
  name = `${scope}-key`,
  createdAt = Date.now(),
): Promise<string> {
  const { key } = await harness.gateway.keys.create(
    { name, scope, ...(scope === 'bot' && { ownerId: OWNER_ID }) },
    createdAt,
  );
  return key;
}

const metricsText = async (harness: GatewayHarness) => (await send(`${harness.url}/metrics`)).body;

function errorCode(response: SimpleResponse): string {
  return (response.json() as { error: { code: string } }).error.code;
}

/** Runs `task` for each item with at most `concurrency` at once. */
async function inParallel<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await task(items[index]!);
      }
    }),
  );
  return results;
}

function countBy<T>(values: readonly T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

describe('who may call', () => {
  it('refuses a request without a key with 401 KEY_REQUIRED and a Bearer challenge', async () => {
    const [gateway] = await replicas(1);
    const response = await send(`${gateway!.url}/v1/prices/BTCUSDT`);
    expect(response.status).toBe(401);
    expect(errorCode(response)).toBe('KEY_REQUIRED');
    expect(response.headers['www-authenticate']).toBe('Bearer realm="tickwire"');
  });

  it("serves a read key the pods' prices, by bearer or X-API-Key", async () => {
    const [gateway] = await replicas(1);
    const key = await createKey(gateway!, 'read');
    const byBearer = await send(`${gateway!.url}/v1/prices/BTCUSDT`, { headers: bearer(key) });
    expect(byBearer.status).toBe(200);
    expect(byBearer.json()).toMatchObject({ symbol: 'BTCUSDT', exchange: 'binance' });
    const byHeader = await send(`${gateway!.url}/v1/prices?symbols=ETHUSDT`, {
      headers: { 'x-api-key': key },
    });
    expect(byHeader.status).toBe(200);
    const markets = await send(`${gateway!.url}/v1/markets?venue=binance&sort=symbol&limit=1`, {
      headers: bearer(key),
    });
    expect(markets.status).toBe(200);
    expect(markets.json()).toMatchObject({ markets: [{ symbol: 'BTCUSDT', venue: 'binance' }] });
  });

  it('refuses a key whose scope is too low with 403 INSUFFICIENT_SCOPE, and lets a higher scope read', async () => {
    const [gateway] = await replicas(1);
    const readKey = await createKey(gateway!, 'read');
    const refused = await send(`${gateway!.url}/v1/admin/keys`, { headers: bearer(readKey) });
    expect(refused.status).toBe(403);
    expect(errorCode(refused)).toBe('INSUFFICIENT_SCOPE');
    expect(refused.headers['www-authenticate']).toContain('error="insufficient_scope", scope="admin"');
    const botKey = await createKey(gateway!, 'bot');
    expect((await send(`${gateway!.url}/v1/admin/keys`, { headers: bearer(botKey) })).status).toBe(403);
    expect((await send(`${gateway!.url}/v1/status`, { headers: bearer(botKey) })).status).toBe(200);
    const adminKey = await createKey(gateway!, 'admin');
    expect((await send(`${gateway!.url}/v1/prices/BTCUSDT`, { headers: bearer(adminKey) })).status).toBe(200);
  });

  it('refuses unknown, malformed, expired and revoked keys with their 401s', async () => {
    const [gateway] = await replicas(1);
    const url = `${gateway!.url}/v1/prices/BTCUSDT`;
    const unknown = await send(url, { headers: bearer(generateApiKey().key) });
    expect([unknown.status, errorCode(unknown)]).toEqual([401, 'INVALID_KEY']);
    const malformed = await send(url, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect([malformed.status, errorCode(malformed)]).toEqual([401, 'INVALID_KEY']);
    const created = Date.now() - 60_000;
    const { key: expired } = await gateway!.gateway.keys.create(
      { name: 'old', scope: 'read', expiresAt: created + 1_000 },
      created,
    );
    const answer = await send(url, { headers: bearer(expired) });
    expect([answer.status, errorCode(answer)]).toEqual([401, 'KEY_EXPIRED']);
    const revokedKey = await gateway!.gateway.keys.create({ name: 'gone', scope: 'read' });
    await gateway!.gateway.keys.revoke(revokedKey.view.id);
    const revoked = await send(url, { headers: bearer(revokedKey.key) });
    expect([revoked.status, errorCode(revoked)]).toEqual([401, 'KEY_REVOKED']);
  });

  it('lets anonymous callers read only the route groups of ANONYMOUS_READ, limited per IP', async () => {
    const [gateway] = await replicas(1, { ANONYMOUS_READ: 'prices', ANONYMOUS_RATE_LIMIT: '3' });
    const answers = [];
    for (let i = 0; i < 4; i += 1) answers.push(await send(`${gateway!.url}/v1/prices/BTCUSDT`));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 429]);
    expect(answers[0]!.headers['ratelimit-policy']).toBe('"ip";q=3;w=60');
    // Another address has its own window.
    expect((await send(`${gateway!.url}/v1/prices/BTCUSDT`, { from: '127.0.0.2' })).status).toBe(200);
    const status = await send(`${gateway!.url}/v1/status`);
    expect([status.status, errorCode(status)]).toEqual([401, 'KEY_REQUIRED']);
  });
});

describe('rate limits', () => {
  it("answers 429 RATE_LIMITED with Retry-After and the RateLimit headers past a key's limit", async () => {
    const [gateway] = await replicas(1, { KEY_RATE_LIMIT: '5' });
    const key = await createKey(gateway!, 'read');
    const answers: SimpleResponse[] = [];
    for (let i = 0; i < 6; i += 1)
      answers.push(await send(`${gateway!.url}/v1/prices/BTCUSDT`, { headers: bearer(key) }));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 429]);
    expect(answers.map((answer) => /r=(\d+)/.exec(String(answer.headers.ratelimit))?.[1])).toEqual([
      '4',
      '3',
      '2',
      '1',
      '0',
      '0',
    ]);
    const refused = answers[5]!;
    expect(errorCode(refused)).toBe('RATE_LIMITED');
    expect(refused.headers['ratelimit-policy']).toBe('"key";q=5;w=60');
    expect(refused.headers.ratelimit).toMatch(/^"key";r=0;t=([1-9]|[1-5]\d|60)$/);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('lets three replicas sharing one key limited to 100 per minute accept 100 requests together', async () => {
    const gateways = await replicas(3, { KEY_RATE_LIMIT: '100' });
    const key = await createKey(gateways[0]!, 'read');
    const agent = new Agent({ keepAlive: true, maxSockets: 30 });
    try {
      const statuses = await inParallel(
        Array.from({ length: 180 }, (_, i) => gateways[i % 3]!.url),
        30,
        async (url) => (await send(`${url}/v1/prices/BTCUSDT`, { headers: bearer(key), agent })).status,
      );
      const counts = countBy(statuses);
      expect(counts.get(200)).toBe(100);
      expect(counts.get(429)).toBe(80);
    } finally {
      agent.destroy();
    }
  });
});

describe('key guessing', () => {
  it('throttles 10,000 random keys from one IP after AUTH_FAILURE_LIMIT failures while an authenticated caller keeps working', async () => {
    // Refusals sent at once: this counts answers; holding them has its own test below.
    const [gateway] = await replicas(1, {
      AUTH_FAILURE_LIMIT: '20',
      KEY_RATE_LIMIT: '100000',
      AUTH_THROTTLE_DELAY_MS: '0',
    });
    const key = await createKey(gateway!, 'read');
    const guesser = new Agent({ keepAlive: true, maxSockets: 16 });
    const url = `${gateway!.url}/v1/prices/BTCUSDT`;
    let guessing = true;
    const callerStatuses: number[] = [];
    const caller = (async () => {
      while (guessing) callerStatuses.push((await send(url, { headers: bearer(key) })).status);
    })();
    try {
      const guesses = await inParallel(
        Array.from({ length: 10_000 }, () => generateApiKey().key),
        16,
        async (guess) => {
          const answer = await send(url, { headers: bearer(guess), from: '127.0.0.2', agent: guesser });
          return answer.status === 429 ? `429 ${errorCode(answer)}` : `${answer.status}`;
        },
      );
      const counts = countBy(guesses);
      expect(Object.fromEntries(counts)).toEqual({ '401': 20, '429 AUTH_THROTTLED': 9_980 });
    } finally {
      guessing = false;
      await caller;
      guesser.destroy();
    }
    expect(callerStatuses.length).toBeGreaterThan(10);
    expect(new Set(callerStatuses)).toEqual(new Set([200]));
    // The throttled address is refused whatever it sends, a valid key too: a guess must not be told apart.
    const fromGuesser = await send(url, { headers: bearer(key), from: '127.0.0.2' });
    expect([fromGuesser.status, errorCode(fromGuesser)]).toEqual([429, 'AUTH_THROTTLED']);
    expect(Number(fromGuesser.headers['retry-after'])).toBeGreaterThan(0);
    expect(fromGuesser.headers['ratelimit-policy']).toBe('"auth";q=20;w=600');
    expect(gateway!.logLines.filter((line) => line.includes('too many failed authentications'))).toHaveLength(
      1,
    );
  });
  it("holds a throttled address's refusals for AUTH_THROTTLE_DELAY_MS, so a guesser gets one answer per connection per delay while a key holder is answered at once", async () => {
    const DELAY_MS = 400;
    const CONNECTIONS = 8;
    const GUESSING_MS = 1_200;
    const GUESSER = '127.0.0.3';
    const [gateway] = await replicas(1, {
      AUTH_FAILURE_LIMIT: '5',
      KEY_RATE_LIMIT: '100000',
      AUTH_THROTTLE_DELAY_MS: String(DELAY_MS),
    });
    const key = await createKey(gateway!, 'read');
    const url = `${gateway!.url}/v1/prices/BTCUSDT`;
    const guess = (agent?: Agent) =>
      send(url, { headers: bearer(generateApiKey().key), from: GUESSER, agent });
    // Five failures, then the refusal that throttles the address: sent at once, it was not yet known.
    for (let i = 0; i < 5; i += 1) expect((await guess()).status).toBe(401);
    const throttling = await guess();
    expect([throttling.status, errorCode(throttling)]).toEqual([429, 'AUTH_THROTTLED']);

    const guesser = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
    const tookMs: number[] = [];
    // Guessing lasts GUESSING_MS at least, and until the key holder was answered: a stalled process
    // may look for the held refusals late, and they must still be there then.
    let keyHolderDone = false;
    const started = performance.now();
    const guessing = Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (performance.now() - started < GUESSING_MS || !keyHolderDone) {
          const sent = performance.now();
          const answer = await guess(guesser);
          tookMs.push(performance.now() - sent);
          expect([answer.status, errorCode(answer)]).toEqual([429, 'AUTH_THROTTLED']);
          expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
        }
      }),
    );
    try {
      // While refusals wait, the key holder from another address is answered.
      await waitFor(
        async () => /^tickwire_gateway_auth_refusals_held [1-9]/m.test(await metricsText(gateway!)),
        {
          timeoutMs: 10_000,
          intervalMs: 20,
          what: 'held refusals',
        },
      );
      expect((await send(url, { headers: bearer(key) })).status).toBe(200);
    } finally {
      keyHolderDone = true;
      await guessing;
      guesser.destroy();
    }
    const guessedMs = performance.now() - started;
    // Each held answer waited the delay (Date.now() has whole milliseconds), so each connection
    // got at most one per delay.
    expect(Math.min(...tookMs)).toBeGreaterThanOrEqual(DELAY_MS - 2);
    expect(tookMs.length).toBeLessThanOrEqual(CONNECTIONS * Math.ceil(guessedMs / DELAY_MS));
    expect(/^tickwire_gateway_auth_refusals_held 0$/m.test(await metricsText(gateway!))).toBe(true);
  });
});

describe('revocation', () => {
  it('refuses a revoked key at once on every replica', async () => {
    const gateways = await replicas(3);
    const admin = await createKey(gateways[0]!, 'admin');
    const created = await send(`${gateways[1]!.url}/v1/admin/keys`, {
      method: 'POST',
      headers: { ...bearer(admin), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'doomed', scope: 'read' }),
    });
    expect(created.status).toBe(201);
    const { key, id } = created.json() as { key: string; id: string };
    for (const gateway of gateways)
      expect((await send(`${gateway.url}/v1/status`, { headers: bearer(key) })).status).toBe(200);
    const revoked = await send(`${gateways[2]!.url}/v1/admin/keys/${id}`, {
      method: 'DELETE',
      headers: bearer(admin),
    });
    expect(revoked.status).toBe(200);
    expect(revoked.json()).toMatchObject({ id, status: 'revoked' });
    const after = await Promise.all(
      gateways.map((gateway) => send(`${gateway.url}/v1/status`, { headers: bearer(key) })),
    );
    expect(after.map((answer) => [answer.status, errorCode(answer)])).toEqual([
      [401, 'KEY_REVOKED'],
      [401, 'KEY_REVOKED'],
      [401, 'KEY_REVOKED'],
    ]);
  });
});

describe('stream tokens', () => {
  const SECRET = 'a-stream-token-secret-of-32-bytes-or-more';
  const claimsOf = (response: SimpleResponse) => {
    const { token } = response.json() as { token: string };
    return verifyStreamToken(token, SECRET, Date.now());
  };

  it('are signed for every scope with the key quota, and for anonymous callers only where ANONYMOUS_READ opens streams', async () => {
    const [gateway] = await replicas(1, {
      STREAM_TOKEN_SECRET: SECRET,
      MAX_STREAMS_PER_KEY: '7',
      ANONYMOUS_READ: 'streams',
      ANONYMOUS_MAX_STREAMS: '3',
    });
    for (const scope of ['read', 'bot', 'admin'] as const) {
      const key = await createKey(gateway!, scope);
      const response = await send(`${gateway!.url}/v1/stream-tokens`, {
        method: 'POST',
        headers: bearer(key),
      });
      expect(response.status).toBe(201);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(claimsOf(response)).toMatchObject({
        ok: true,
        claims: { sub: key.slice(3, 15), scope, maxStreams: 7 },
      });
    }
    const { key: limited } = await gateway!.gateway.keys.create({
      name: 'few',
      scope: 'read',
      maxStreams: 1,
    });
    const few = await send(`${gateway!.url}/v1/stream-tokens`, { method: 'POST', headers: bearer(limited) });
    expect(claimsOf(few)).toMatchObject({ claims: { maxStreams: 1 } });
    const anonymous = await send(`${gateway!.url}/v1/stream-tokens`, { method: 'POST', from: '127.0.0.2' });
    expect(anonymous.status).toBe(201);
    expect(claimsOf(anonymous)).toMatchObject({
      claims: { sub: 'ip:127.0.0.2', scope: 'read', maxStreams: 3 },
    });
  });

  it('end no later than the key, are refused to anonymous callers by default, and need the secret', async () => {
    const [withSecret] = await replicas(1, { STREAM_TOKEN_SECRET: SECRET });
    const { key } = await withSecret!.gateway.keys.create({
      name: 'brief',
      scope: 'read',
      expiresAt: Date.now() + 60_000,
    });
    const response = await send(`${withSecret!.url}/v1/stream-tokens`, {
      method: 'POST',
      headers: bearer(key),
    });
    const verified = claimsOf(response);
    expect(verified.ok && verified.claims.exp - verified.claims.iat).toBeLessThanOrEqual(60);
    const anonymous = await send(`${withSecret!.url}/v1/stream-tokens`, { method: 'POST' });
    expect([anonymous.status, errorCode(anonymous)]).toEqual([401, 'KEY_REQUIRED']);
    const wrongType = await send(`${withSecret!.url}/v1/stream-tokens`, {
      method: 'POST',
      headers: { ...bearer(key), 'content-type': 'text/plain' },
      body: 'BTCUSDT',
    });
    expect([wrongType.status, errorCode(wrongType)]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);

    const [withoutSecret] = await replicas(1);
    const disabled = await send(`${withoutSecret!.url}/v1/stream-tokens`, {
      method: 'POST',
      headers: bearer(await createKey(withoutSecret!, 'read')),
    });
    expect([disabled.status, errorCode(disabled)]).toEqual([503, 'STREAM_TOKENS_DISABLED']);
  });
});

describe('the key admin API', () => {
  it('creates a key shown once, lists keys without secrets or hashes, and names every field at fault', async () => {
    const [gateway] = await replicas(1);
    // A second older than the key created next: two keys made in one millisecond list in either order.
    const admin = await createKey(gateway!, 'admin', 'ops', Date.now() - 1_000);
    const headers = { ...bearer(admin), 'content-type': 'application/json' };
    const created = await send(`${gateway!.url}/v1/admin/keys`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'my-bot', scope: 'bot', ownerId: OWNER_ID, expiresIn: '30d' }),
    });
    expect(created.status).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    const body = created.json() as Record<string, string>;
    expect(body.key).toMatch(/^tw_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(body).toMatchObject({ name: 'my-bot', scope: 'bot', ownerId: OWNER_ID, status: 'active' });
    expect(body.key!.startsWith(`${body.prefix}_`)).toBe(true);
    expect(Date.parse(body.expiresAt!) - Date.parse(body.createdAt!)).toBe(30 * 86_400_000);
    expect(body).not.toHaveProperty('hash');

    const listed = await send(`${gateway!.url}/v1/admin/keys`, { headers: bearer(admin) });
    expect(listed.status).toBe(200);
    expect(listed.body).not.toContain(body.key!.slice(16));
    const keys = (listed.json() as { keys: Record<string, unknown>[] }).keys;
    expect(keys.map((key) => key.name)).toEqual(['ops', 'my-bot']);
    for (const key of keys) expect(Object.keys(key)).not.toEqual(expect.arrayContaining(['hash']));
    // The new key works at once.
    const stored = await send(`${gateway!.url}/v1/prices/BTCUSDT`, { headers: bearer(body.key!) });
    expect(stored.status).toBe(200);

    const invalid = await send(`${gateway!.url}/v1/admin/keys`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: '', scope: 'bot', colour: 'red' }),
    });
    expect(invalid.status).toBe(400);
    const fields = (invalid.json() as { error: { code: string; fields: { field: string }[] } }).error;
    expect(fields.code).toBe('INVALID_FIELD');
    expect(fields.fields.map((problem) => problem.field).sort()).toEqual(['colour', 'name']);
    const noOwner = await send(`${gateway!.url}/v1/admin/keys`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'b', scope: 'bot' }),
    });
    expect((noOwner.json() as { error: { fields: { field: string }[] } }).error.fields).toEqual([
      { field: 'ownerId', message: 'is required for a bot key: the scanner owner it acts for' },
    ]);
    const tooLarge = await send(`${gateway!.url}/v1/admin/keys`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'x'.repeat(10_000), scope: 'read' }),
    });
    expect([tooLarge.status, errorCode(tooLarge)]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    const unknown = await send(`${gateway!.url}/v1/admin/keys/0123456789ab`, {
      method: 'DELETE',
      headers: bearer(admin),
    });
    expect([unknown.status, errorCode(unknown)]).toEqual([404, 'NOT_FOUND']);

    // Keys and secrets never reach the logs, whatever was logged on the way.
    expect(gateway!.logLines.some((line) => line.includes('api key created'))).toBe(true);
    for (const secret of [admin, body.key!]) {
      const secretPart = secret.slice(16);
      expect(gateway!.logLines.filter((line) => line.includes(secretPart))).toEqual([]);
    }
  });
});

describe('routing to pods', () => {
  it('goes round robin over the ready pods only, and routes around one that stops', async () => {
    const third = await startPodProcess({
      INSTANCE_ID: 'pod-3',
      BINANCE_WS_URL: sim.wsUrl,
      BINANCE_REST_URL: sim.url,
      SYMBOLS: 'BTCUSDT',
    });
    try {
      // Port 0: the kernel refuses every connection to it, and no other test can listen there.
      const dead = 'http://127.0.0.1:0';
      // Probes time out after the interval; two in a row drop a pod, so a 200 ms interval let one
      // stalled pod drop out of rotation. The stopped pod is dropped by the refused request anyway.
      const [gateway] = await replicas(1, {
        MARKET_DATA_URLS: [...pods.map((pod) => pod.url), third.url, dead].join(','),
        POD_HEALTH_INTERVAL_MS: '1000',
      });
      const key = await createKey(gateway!, 'read');
      const servedBy = async () => {
        const answer = await send(`${gateway!.url}/v1/status`, { headers: bearer(key) });
        expect(answer.status).toBe(200);
        return (answer.json() as { instanceId: string }).instanceId;
      };
      await waitFor(() => gateway!.gateway.pods.counts().healthy === 3, {
        timeoutMs: 10_000,
        what: 'three ready pods',
      });
      const first = [];
      for (let i = 0; i < 6; i += 1) first.push(await servedBy());
      expect(countBy(first)).toEqual(
        new Map([
          ['pod-1', 2],
          ['pod-2', 2],
          ['pod-3', 2],
        ]),
      );
      expect(first.slice(0, 3)).toEqual(first.slice(3));

      await third.stop();
      const after = [];
      for (let i = 0; i < 6; i += 1) after.push(await servedBy());
      expect(new Set(after)).toEqual(new Set(['pod-1', 'pod-2']));
      const health = await send(`${gateway!.url}/health`);
      expect(health.status).toBe(200);
      expect(health.json()).toMatchObject({
        status: 'warn',
        checks: { 'market-data:pods': [{ status: 'warn', observedValue: 2 }] },
      });
    } finally {
      await third.stop();
    }
  });

  it("passes the ETag through and answers If-None-Match with the pod's 304", async () => {
    const [gateway] = await replicas(1, { MARKET_DATA_URLS: pods[0]!.url });
    const key = await createKey(gateway!, 'read');
    const url = `${gateway!.url}/v1/prices?symbols=BTCUSDT,ETHUSDT`;
    const first = await send(url, { headers: bearer(key) });
    expect(first.status).toBe(200);
    expect(first.headers.etag).toMatch(/^W\/"/);
    expect(first.headers['cache-control']).toBe('public, max-age=1, must-revalidate');
    expect(Number(first.headers['content-length'])).toBe(Buffer.byteLength(first.body));
    // Prices move every 250 ms in the simulator: ask again at once until nothing moved in between.
    const notModified = await waitFor(
      async () => {
        const fresh = await send(url, { headers: bearer(key) });
        const again = await send(url, { headers: { ...bearer(key), 'if-none-match': fresh.headers.etag! } });
        return again.status === 304 ? { again, etag: fresh.headers.etag } : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 0, what: 'a 304 through the gateway' },
    );
    expect(notModified.again.body).toBe('');
    expect(notModified.again.headers.etag).toBe(notModified.etag);
    const stale = await send(url, { headers: { ...bearer(key), 'if-none-match': 'W/"not-it"' } });
    expect(stale.status).toBe(200);
  });

  it('answers 503 NO_HEALTHY_POD with Retry-After when no pod is ready, and /health fails', async () => {
    // Port 0: refused by the kernel, where a freed port may meanwhile be another test's server.
    const [gateway] = await replicas(1, { MARKET_DATA_URLS: 'http://127.0.0.1:0' });
    const key = await createKey(gateway!, 'read');
    const answer = await send(`${gateway!.url}/v1/prices/BTCUSDT`, { headers: bearer(key) });
    expect([answer.status, errorCode(answer)]).toEqual([503, 'NO_HEALTHY_POD']);
    expect(answer.headers['retry-after']).toBe('1');
    expect((await send(`${gateway!.url}/health`)).status).toBe(503);
    expect((await send(`${gateway!.url}/readyz`)).status).toBe(200);
  });

  it('refuses query parameters a route does not take, naming them, before any pod is asked', async () => {
    const [gateway] = await replicas(1);
    const key = await createKey(gateway!, 'read');
    const answer = await send(`${gateway!.url}/v1/prices?symbol=BTCUSDT`, { headers: bearer(key) });
    expect(answer.status).toBe(400);
    expect(answer.json()).toEqual({
      error: {
        code: 'UNKNOWN_PARAMETER',
        message: 'unknown query parameter "symbol": this route takes symbols',
      },
    });
    // The pod's own checks of values come back as the pod wrote them.
    const badValue = await send(`${gateway!.url}/v1/candles/BTCUSDT?interval=7m`, { headers: bearer(key) });
    expect(badValue.status).toBe(400);
    expect(errorCode(badValue)).toMatch(/^[A-Z_]+$/);
  });
});

describe('the HTTP edge', () => {
  it('answers 404, 405 and 431 with the JSON error shape and security headers, HSTS only behind TLS', async () => {
    const [plain] = await replicas(1, { MAX_HEADER_BYTES: '2048' });
    const missing = await send(`${plain!.url}/v1/nothing`);
    expect([missing.status, errorCode(missing)]).toEqual([404, 'NOT_FOUND']);
    expect(missing.headers['x-content-type-options']).toBe('nosniff');
    expect(missing.headers['x-frame-options']).toBe('DENY');
    expect(missing.headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'");
    expect(missing.headers['referrer-policy']).toBe('no-referrer');
    expect(missing.headers['strict-transport-security']).toBeUndefined();
    expect(missing.headers['x-powered-by']).toBeUndefined();
    const wrongMethod = await send(`${plain!.url}/v1/prices`, { method: 'POST' });
    expect([wrongMethod.status, errorCode(wrongMethod)]).toEqual([405, 'METHOD_NOT_ALLOWED']);
    expect(wrongMethod.headers.allow).toBe('GET, HEAD, OPTIONS');
    const hugeHeaders = await send(`${plain!.url}/v1/prices`, {
      headers: { 'x-padding': 'x'.repeat(4_000) },
    });
    expect([hugeHeaders.status, errorCode(hugeHeaders)]).toEqual([431, 'HEADERS_TOO_LARGE']);
    expect(hugeHeaders.json()).toMatchObject({ error: { message: expect.stringContaining('2048 bytes') } });

    const [tls] = await replicas(1, { BEHIND_TLS: 'true' });
    const secure = await send(`${tls!.url}/livez`);
    expect(secure.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  });

  it('counts the client behind TRUST_PROXY_HOPS proxies by X-Forwarded-For', async () => {
    const [gateway] = await replicas(1, {
      ANONYMOUS_READ: 'status',
      ANONYMOUS_RATE_LIMIT: '1',
      TRUST_PROXY_HOPS: '1',
    });
    const from = (client: string) =>
      send(`${gateway!.url}/v1/status`, { headers: { 'x-forwarded-for': client } });
    expect((await from('203.0.113.7')).status).toBe(200);
    expect((await from('203.0.113.7')).status).toBe(429);
    expect((await from('203.0.113.8')).status).toBe(200);
  });
});

describe('the dashboard', () => {
  it('serves the dashboard’s files to anyone, with a policy that lets the page run, while the API still asks for a key', async () => {
    const [gateway] = await replicas(1);
    const page = await send(`${gateway!.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    // The API's own policy (default-src 'none') would stop the page's script; the page gets its own.
    expect(page.headers['content-security-policy']).toBe(STATIC_PAGE_CSP);
    const script = /src="(\/dashboard\/assets\/[\w.-]+\.js)"/.exec(page.body)?.[1];
    expect(script).toBeDefined();
    const asset = await send(`${gateway!.url}${script!}`);
    expect([asset.status, asset.headers['content-type']]).toEqual([200, 'text/javascript; charset=utf-8']);
    const prices = await send(`${gateway!.url}/v1/prices`);
    expect([prices.status, errorCode(prices)]).toEqual([401, 'KEY_REQUIRED']);
  });
});
