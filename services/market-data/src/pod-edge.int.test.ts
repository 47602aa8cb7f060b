/**
 * The pod's HTTP edge against a real pod fed by the simulator: strict query parameters, 405 and
 * OPTIONS on every route, CORS for allowed origins only, nosniff everywhere, and JSON errors for
 * what node's HTTP parser refuses (raw sockets).
 */
import { connect } from 'node:net';
import { startPodHarness, type PodHarness } from './testing/pod-harness';

jest.setTimeout(20_000);

const ALLOWED_ORIGIN = 'https://app.example.com';
const OTHER_ORIGIN = 'https://elsewhere.example.com';
const ROUTES = [
  '/v1/stream',
  '/v1/prices',
  '/v1/prices/BTCUSDT',
  '/v1/candles/BTCUSDT',
  '/v1/status',
  '/livez',
  '/readyz',
  '/health',
  '/metrics',
];

interface ErrorBody {
  error: { code: string; message: string };
}

/** Writes raw bytes and reads until the pod closes the connection; bounded. */
function rawExchange(port: number, request: string): Promise<{ status: number; head: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let reply = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the pod did not close within 5 s; got ${JSON.stringify(reply.slice(0, 200))}`));
    }, 5_000);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (reply += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const [head = '', body = ''] = reply.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), head: head.toLowerCase(), body });
    });
    socket.write(request);
  });
}

describe('market-data pod HTTP edge', () => {
  let harness: PodHarness;

  beforeAll(async () => {
    harness = await startPodHarness({ CORS_ORIGINS: ALLOWED_ORIGIN });
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it('refuses a misspelled query parameter with a 400 naming it, on every route', async () => {
    const cases: [string, string][] = [
      ['/v1/stream?symbol=BTCUSDT', 'symbol'],
      ['/v1/prices?symbol=BTCUSDT', 'symbol'],
      ['/v1/prices/BTCUSDT?fields=last', 'fields'],
      ['/v1/candles/BTCUSDT?intervl=5m', 'intervl'],
      ['/v1/status?verbose=1', 'verbose'],
      ['/livez?probe=1', 'probe'],
      ['/metrics?name[]=x', 'name[]'],
    ];
    for (const [path, name] of cases) {
      const res = await harness.get(path);
      const body = (await res.json()) as ErrorBody;
      expect({ path, status: res.status, code: body.error.code }).toEqual({
        path,
        status: 400,
        code: 'UNKNOWN_PARAMETER',
      });
      expect(body.error.message).toContain(`"${name}"`);
    }
  });

  it('states how many symbols were requested when there are too many', async () => {
    const symbols = Array.from({ length: 200 }, (_, i) => `S${i}`).join(',');
    for (const route of ['/v1/prices', '/v1/stream']) {
      const res = await harness.get(`${route}?symbols=${symbols}`);
      const body = (await res.json()) as ErrorBody;
      expect([res.status, body.error.code]).toEqual([400, 'TOO_MANY_SYMBOLS']);
      expect(body.error.message).toBe('200 symbols requested; at most 100 per request');
    }
  });

  it('answers another method on a known path with 405 and Allow, on every route', async () => {
    for (const path of ROUTES) {
      for (const method of ['POST', 'DELETE']) {
        const res = await fetch(`${harness.url}${path}`, { method });
        const body = (await res.json()) as ErrorBody;
        expect({
          path,
          method,
          status: res.status,
          allow: res.headers.get('allow'),
          code: body.error.code,
        }).toEqual({ path, method, status: 405, allow: 'GET, HEAD, OPTIONS', code: 'METHOD_NOT_ALLOWED' });
      }
    }
    const unknown = await fetch(`${harness.url}/v2/anything`, { method: 'POST' });
    expect([unknown.status, ((await unknown.json()) as ErrorBody).error.code]).toEqual([404, 'NOT_FOUND']);
  });

  it('answers OPTIONS the same on every route', async () => {
    for (const path of ROUTES) {
      const res = await fetch(`${harness.url}${path}`, { method: 'OPTIONS' });
      expect({ path, status: res.status, allow: res.headers.get('allow'), body: await res.text() }).toEqual({
        path,
        status: 204,
        allow: 'GET, HEAD, OPTIONS',
        body: '',
      });
    }
  });

  it('answers a CORS preflight from an allowed origin, and not from another', async () => {
    const preflight = (path: string, origin: string) =>
      fetch(`${harness.url}${path}`, {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'GET',
          'Access-Control-Request-Headers': 'last-event-id',
        },
      });
    for (const path of ['/v1/stream', '/v1/candles/BTCUSDT']) {
      const allowed = await preflight(path, ALLOWED_ORIGIN);
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
      expect(allowed.headers.get('access-control-allow-methods')).toBe('GET, HEAD, OPTIONS');
      expect(allowed.headers.get('access-control-allow-headers')).toBe('last-event-id');
      const denied = await preflight(path, OTHER_ORIGIN);
      expect(denied.status).toBe(204);
      expect(denied.headers.get('access-control-allow-origin')).toBeNull();
      expect(denied.headers.get('access-control-allow-methods')).toBeNull();
    }
  });

  it('lets an allowed origin read prices, errors and streams, and no other origin', async () => {
    const prices = await harness.get('/v1/prices/NOPEUSDT', { Origin: ALLOWED_ORIGIN });
    expect(prices.status).toBe(404);
    expect(prices.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(prices.headers.get('access-control-expose-headers')).toContain('ETag');
    expect(prices.headers.get('vary')).toContain('Origin');
    const status = await harness.get('/v1/status', { Origin: OTHER_ORIGIN });
    expect(status.status).toBe(200);
    expect(status.headers.get('access-control-allow-origin')).toBeNull();

    const abort = new AbortController();
    try {
      const stream = await fetch(`${harness.url}/v1/stream?symbols=BTCUSDT`, {
        headers: { Origin: ALLOWED_ORIGIN },
        signal: abort.signal,
      });
      expect(stream.status).toBe(200);
      expect(stream.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
      expect(stream.headers.get('x-content-type-options')).toBe('nosniff');
    } finally {
      abort.abort();
    }
  });

  it('sends nosniff on every response: hot paths, express routes and errors', async () => {
    for (const path of [
      '/v1/prices',
      '/v1/prices/NOPEUSDT',
      '/v1/candles/BTCUSDT',
      '/livez',
      '/v2/anything',
    ]) {
      const res = await harness.get(path);
      await res.arrayBuffer();
      expect({ path, nosniff: res.headers.get('x-content-type-options') }).toEqual({
        path,
        nosniff: 'nosniff',
      });
    }
  });

  it('answers request headers over the limit with a JSON 431 (raw socket)', async () => {
    const reply = await rawExchange(
      harness.pod.port(),
      `GET /v1/prices HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(reply.status).toBe(431);
    expect(reply.head).toContain('content-type: application/json');
    expect(reply.head).toContain('x-content-type-options: nosniff');
    expect((JSON.parse(reply.body) as ErrorBody).error.code).toBe('HEADERS_TOO_LARGE');
  });

  it('answers oversized chunk extensions with a JSON 413 (raw socket)', async () => {
    // /metrics answers after an await, so the parser reaches the body before the answer starts.
    const reply = await rawExchange(
      harness.pod.port(),
      `GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n1;${'x'.repeat(20_000)}\r\na\r\n0\r\n\r\n`,
    );
    expect(reply.status).toBe(413);
    expect(reply.head).toContain('content-type: application/json');
    expect((JSON.parse(reply.body) as ErrorBody).error.code).toBe('PAYLOAD_TOO_LARGE');
  });
});
