import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger, createMetricsRegistry } from '@tickwire/observability';
import { waitFor } from '@tickwire/testkit';
import { RestClient, type RestClientOptions } from './rest-client';
import { RestClientError } from './rest-client-errors';
import { createRestClientMetrics } from './rest-client-metrics';
import type { RestVenue } from './rest-venue';

/** Every test ends well within this; jest's own timeout is a backstop. */
const TEST_TIMEOUT_MS = 10_000;

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** A loopback HTTP server whose answers each test sets; it records every request it receives. */
class LocalVenue {
  handler: Handler = (_request, response) => response.end('{}');
  readonly requests: { path: string; method: string; at: number; headers: IncomingMessage['headers'] }[] = [];
  /** Requests whose client went away before the answer was complete. */
  abandoned = 0;
  private readonly server: Server;

  constructor() {
    this.server = createServer((request, response) => {
      this.requests.push({
        path: request.url ?? '',
        method: request.method ?? '',
        at: Date.now(),
        headers: request.headers,
      });
      response.on('close', () => {
        if (!response.writableFinished) this.abandoned += 1;
      });
      this.handler(request, response);
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  count(path: string): number {
    return this.requests.filter((request) => request.path === path).length;
  }
}

/** Parsed log lines, to check what the client said and at which level. */
function logCapture() {
  const lines: { level: string; msg: string; [field: string]: unknown }[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info', service: 'test', destination }) };
}

const WARN = 'warn';
const ERROR = 'error';

const venueName = 'local';
/** A venue with room for everything, unless a test gives it a budget. */
const roomy: RestVenue = { name: venueName, limits: [] };

let server: LocalVenue;
let baseUrl: string;

beforeEach(async () => {
  server = new LocalVenue();
  baseUrl = await server.start();
});

afterEach(async () => {
  await server.stop();
});

function newClient(venue: RestVenue = roomy, options: Partial<RestClientOptions> = {}) {
  const registry = createMetricsRegistry({ defaultMetrics: false });
  const log = logCapture();
  const client = new RestClient({
    venues: [venue],
    logger: log.logger,
    metrics: createRestClientMetrics(registry),
    // The venue shares this process: a stall runs the timeout's timer before the answer is read.
    // Far above any stall; the tests of the timeout set their own.
    timeoutMs: 5_000,
    retryBaseMs: 10,
    retryMaxMs: 20,
    ...options,
  });
  return { client, registry, log };
}

async function rejection(promise: Promise<unknown>): Promise<RestClientError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RestClientError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('RestClient timeout', () => {
  it(
    'abandons an attempt whose body does not arrive within the timeout, and tries again',
    async () => {
      server.handler = (_request, response) => {
        // Headers and half a body, then nothing: the timeout covers the body too.
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write('{"half":');
      };
      const { client, registry } = newClient(roomy, { timeoutMs: 150, maxAttempts: 2 });
      const error = await rejection(
        client.request({ venue: venueName, caller: 'test', url: `${baseUrl}/slow` }),
      );
      expect(error.code).toBe('REST_TIMEOUT');
      expect(error.message).toMatch(/within 150 ms/);
      // Counted on the client: a loaded machine may abort the second attempt before it arrives.
      const metric = await registry.getSingleMetricAsString('tickwire_rest_requests_total');
      expect(metric).toMatch(/outcome="timeout"} 2/);
      await waitFor(() => server.abandoned === server.requests.length, {
        timeoutMs: 5_000,
        what: 'every request closed',
      });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "rejects with the caller's own reason when the caller aborts",
    async () => {
      server.handler = () => {};
      const { client } = newClient();
      const abort = new AbortController();
      const call = client.request({
        venue: venueName,
        caller: 'test',
        url: `${baseUrl}/hang`,
        signal: abort.signal,
      });
      await waitFor(() => server.count('/hang') === 1, { timeoutMs: 5_000, what: 'the request' });
      const reason = new Error('stopping');
      abort.abort(reason);
      await expect(call).rejects.toBe(reason);
      await waitFor(() => server.abandoned === 1, { timeoutMs: 5_000, what: 'the request aborted' });
    },
    TEST_TIMEOUT_MS,
  );
});

describe('RestClient single-flight', () => {
  it(
    'sends identical requests in flight once and gives every caller the answer',
    async () => {
      const pending: ServerResponse[] = [];
      server.handler = (_request, response) => pending.push(response);
      const { client, registry } = newClient();
      const call = () => client.request({ venue: venueName, caller: 'test', url: `${baseUrl}/list` });
      const calls = [call(), call(), call()];
      const other = client.request({ venue: venueName, caller: 'test', url: `${baseUrl}/other` });
      await waitFor(() => pending.length === 2, { timeoutMs: 5_000, what: 'two requests' });
      for (const response of pending) response.end('["BTCUSDT"]');
      const answers = await Promise.all(calls);
      await other;
      expect(answers.map((answer) => answer.bodyText)).toEqual(['["BTCUSDT"]', '["BTCUSDT"]', '["BTCUSDT"]']);
      expect(server.count('/list')).toBe(1);
      expect(server.count('/other')).toBe(1);
      const metric = await registry.getSingleMetricAsString('tickwire_rest_requests_total');
      expect(metric).toMatch(/outcome="shared"} 2/);

      // Once answered, the next call is a new request.
      server.handler = (_request, response) => response.end('[]');
      await call();
      expect(server.count('/list')).toBe(2);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'keeps the shared request for the callers that stay, and aborts it when the last one leaves',
    async () => {
      const pending: ServerResponse[] = [];
      server.handler = (_request, response) => pending.push(response);
      const { client } = newClient();
      const leaving = new AbortController();
      const staying = new AbortController();
      const call = (signal: AbortSignal) =>
        client.request({ venue: venueName, caller: 'test', url: `${baseUrl}/list`, signal });
      const left = call(leaving.signal);
      const stays = call(staying.signal);
      await waitFor(() => pending.length === 1, { timeoutMs: 5_000, what: 'the request' });
      leaving.abort(new Error('gone'));
      await expect(left).rejects.toThrow('gone');
      pending[0]!.end('"still here"');
      await expect(stays).resolves.toMatchObject({ bodyText: '"still here"' });

      const last = new AbortController();
      const alone = call(last.signal);
      await waitFor(() => pending.length === 2, { timeoutMs: 5_000, what: 'the second request' });
      last.abort(new Error('nobody waits'));
      await expect(alone).rejects.toThrow('nobody waits');
      await waitFor(() => server.abandoned === 1, { timeoutMs: 5_000, what: 'the request aborted' });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'never merges writes: two POSTs are two requests',
    async () => {
      const { client } = newClient();
      const post = () =>
        client.request({
          venue: venueName,
          caller: 'test',
          url: `${baseUrl}/hook`,
          method: 'POST',
          body: '{}',
        });
      await Promise.all([post(), post()]);
      expect(server.requests.filter((request) => request.method === 'POST')).toHaveLength(2);
    },
    TEST_TIMEOUT_MS,
  );
});

describe('RestClient budget', () => {
  it(
    "refuses a request that would spend more than the process's share, before sending it, for every caller of the venue",
    async () => {
      // 6 per rolling minute, half of it for this process: 3.
      const venue: RestVenue = {
        name: venueName,
        limits: [{ maxWeight: 6, windowMs: 60_000, alignment: 'rolling' }],
        share: 0.5,
      };
      const { client, log } = newClient(venue);
      const startedAt = Date.now();
      await client.request({ venue: venueName, caller: 'poller', url: `${baseUrl}/a`, weight: 2 });
      await client.request({ venue: venueName, caller: 'catalog', url: `${baseUrl}/b` });
      const error = await rejection(
        client.request({ venue: venueName, caller: 'poller', url: `${baseUrl}/c` }),
      );
      expect(error.code).toBe('REST_BUDGET_EXHAUSTED');
      // Room comes back when the first spend leaves the window.
      expect(error.retryAt).toBeGreaterThanOrEqual(startedAt + 60_000);
      expect(error.retryAt).toBeLessThanOrEqual(Date.now() + 60_000);
      expect(server.count('/c')).toBe(0);
      expect(client.venueStatus(venueName)?.windows).toEqual([
        { windowMs: 60_000, limit: 6, budget: 3, used: 3 },
      ]);
      expect(log.lines.filter((line) => line.level === WARN && /budget spent/.test(line.msg))).toHaveLength(
        1,
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'learns the limit from the venue before its first request, and counts what the venue reports as used',
    async () => {
      server.handler = (request, response) => {
        if (request.url?.startsWith('/limits')) return response.end(JSON.stringify({ perMinute: 40 }));
        // Someone else on this IP spent 18 of this minute's weight already.
        response.setHeader('x-used-weight', '18');
        response.end('{}');
      };
      const venue: RestVenue = {
        name: venueName,
        limits: [{ maxWeight: 6_000, windowMs: 60_000, alignment: 'rolling' }],
        share: 0.5,
        limitSource: {
          url: `${baseUrl}/limits?symbol=A`,
          states: (url) => new URL(url).pathname === '/limits',
          weight: 1,
          parse: (body) => [
            { windowMs: 60_000, maxWeight: (JSON.parse(body) as { perMinute: number }).perMinute },
          ],
        },
        usage: (headers) =>
          headers['x-used-weight'] === undefined
            ? []
            : [{ windowMs: 60_000, used: Number(headers['x-used-weight']) }],
      };
      const { client } = newClient(venue);
      // Two calls at once read the limits once.
      await Promise.all([
        client.request({ venue: venueName, caller: 'test', url: `${baseUrl}/a` }),
        client.request({ venue: venueName, caller: 'test', url: `${baseUrl}/b` }),
      ]);
      expect(server.count('/limits?symbol=A')).toBe(1);
      expect(client.venueStatus(venueName)?.windows[0]).toEqual({
        windowMs: 60_000,
        limit: 40,
        budget: 20,
        used: 18,
      });
      const error = await rejection(
        client.request({ venue: venueName, caller: 'test', url: `${baseUrl}/c`, weight: 3 }),
      );
      expect(error.code).toBe('REST_BUDGET_EXHAUSTED');
      expect(server.count('/c')).toBe(0);

      // A first request that goes to where the limits are stated teaches them itself.
      const { client: fresh } = newClient({ ...venue, usage: () => [] });
      await fresh.request({ venue: venueName, caller: 'catalog', url: `${baseUrl}/limits?all=1` });
      expect(server.requests.filter((request) => request.path.startsWith('/limits'))).toHaveLength(2);
      expect(fresh.venueStatus(venueName)?.windows[0]).toMatchObject({ limit: 40, used: 1 });
    },
    TEST_TIMEOUT_MS,
  );
});

describe('RestClient refusals', () => {
  it(
    'holds every request of the venue exactly as long as a 429 Retry-After says, then sends again',
    async () => {
      let refuse = true;
      server.handler = (_request, response) => {
        if (!refuse) return response.end('{}');
        refuse = false;
        // Longer than any stall between the 429 and the checks of the hold below.
        response.writeHead(429, { 'retry-after': '3' });
        response.end('{"code":-1003,"msg":"Too much request weight used"}');
      };
      const { client, log } = newClient();
      const call = () => client.request({ venue: venueName, caller: 'test', url: `${baseUrl}/t` });
      const before = Date.now();
      const limited = await rejection(call());
      const after = Date.now();
      expect(limited.code).toBe('REST_RATE_LIMITED');
      expect(limited.status).toBe(429);
      expect(limited.message).toMatch(/HTTP 429.*-1003/);
      expect(limited.retryAt).toBeGreaterThanOrEqual(before + 3_000);
      expect(limited.retryAt).toBeLessThanOrEqual(after + 3_000);
      expect(server.count('/t')).toBe(1); // a 429 is never retried at once

      const held = await rejection(call());
      expect(held).toMatchObject({ code: 'REST_RATE_LIMITED', retryAt: limited.retryAt });
      expect(server.count('/t')).toBe(1);
      expect(client.venueStatus(venueName)).toMatchObject({
        held: 'rate-limited',
        heldUntil: limited.retryAt,
      });

      await waitFor(() => Date.now() >= limited.retryAt!, {
        timeoutMs: 5_000,
        intervalMs: 5,
        what: 'Retry-After',
      });
      await expect(call()).resolves.toMatchObject({ status: 200 });
      expect(server.count('/t')).toBe(2);
      expect(log.lines.some((line) => line.level === WARN && line['status'] === 429)).toBe(true);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'counts Retry-After from when a late 429 arrives, not from when the request went out',
    async () => {
      // Longer than any scheduling delay: a hold counted from the send would end this much early.
      const answerDelayMs = 600;
      let answeredAt: number | undefined;
      server.handler = (_request, response) => {
        if (answeredAt !== undefined) return response.end('{}');
        setTimeout(() => {
          answeredAt = Date.now();
          response.writeHead(429, { 'retry-after': '1' });
          response.end('{"code":-1003,"msg":"Too much request weight used"}');
        }, answerDelayMs);
      };
      const { client } = newClient();
      const call = () => client.request({ venue: venueName, caller: 'test', url: `${baseUrl}/t` });
      const limited = await rejection(call());
      expect(limited.code).toBe('REST_RATE_LIMITED');
      // The venue answered before the client read the answer: the hold runs from then at the earliest.
      expect(limited.retryAt).toBeGreaterThanOrEqual(answeredAt! + 1_000);

      await waitFor(
        async () => {
          try {
            return (await call()).status === 200;
          } catch (error) {
            if (error instanceof RestClientError && error.code === 'REST_RATE_LIMITED') return false;
            throw error;
          }
        },
        { timeoutMs: 5_000, intervalMs: 5, what: 'the hold to end' },
      );
      expect(server.count('/t')).toBe(2);
      expect(server.requests[1]!.at - answeredAt!).toBeGreaterThanOrEqual(1_000);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'stops every request on a ban until it lifts, and says so at error level',
    async () => {
      let ban = true;
      server.handler = (_request, response) => {
        if (!ban) return response.end('{}');
        ban = false;
        // Longer than any stall between the ban and the checks of it below.
        response.writeHead(418, { 'retry-after': '3' });
        response.end('{"code":-1003,"msg":"Way too much request weight used; IP banned"}');
      };
      // The venue's rule: 418 is a ban for Retry-After seconds.
      const venue: RestVenue = {
        name: venueName,
        limits: [],
        refusal: (status, headers) =>
          status === 418 ? { waitMs: Number(headers['retry-after']) * 1_000, ban: true } : undefined,
      };
      const { client, log } = newClient(venue);
      const call = (caller: string) => client.request({ venue: venueName, caller, url: `${baseUrl}/t` });
      const banned = await rejection(call('poller'));
      expect(banned.code).toBe('REST_BANNED');
      expect(client.venueStatus(venueName)?.held).toBe('banned');
      // Nobody of this process asks while the ban runs.
      for (const caller of ['poller', 'catalog']) {
        expect(await rejection(call(caller))).toMatchObject({ code: 'REST_BANNED', retryAt: banned.retryAt });
      }
      expect(server.count('/t')).toBe(1);
      const errors = log.lines.filter((line) => line.level === ERROR);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ venue: venueName, status: 418 });
      expect(errors[0]!.msg).toMatch(/BANNED/);

      await waitFor(() => Date.now() >= banned.retryAt!, {
        timeoutMs: 5_000,
        intervalMs: 5,
        what: 'the ban to lift',
      });
      await expect(call('poller')).resolves.toMatchObject({ status: 200 });
      expect(client.venueStatus(venueName)?.held).toBeUndefined();
    },
    TEST_TIMEOUT_MS,
  );
});

describe('RestClient retries', () => {
  it(
    'retries 5xx with backoff until an answer comes',
    async () => {
      let failures = 2;
      server.handler = (_request, response) => {
        if (failures-- > 0) {
          response.statusCode = 503;
          return response.end('busy');
        }
        response.end('"ok"');
      };
      const { client } = newClient();
      await expect(
        client.request({ venue: venueName, caller: 'test', url: `${baseUrl}/r` }),
      ).resolves.toMatchObject({
        bodyText: '"ok"',
      });
      expect(server.count('/r')).toBe(3);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'gives up after its attempts, and never retries an answer that will not change',
    async () => {
      server.handler = (request, response) => {
        response.statusCode = request.url === '/missing' ? 404 : 500;
        response.end('{"error":"nope"}');
      };
      const { client } = newClient(roomy, { maxAttempts: 2 });
      const failing = await rejection(
        client.request({ venue: venueName, caller: 'test', url: `${baseUrl}/broken` }),
      );
      expect(failing).toMatchObject({ code: 'REST_HTTP_STATUS', status: 500 });
      expect(server.count('/broken')).toBe(2);
      const missing = await rejection(
        client.request({ venue: venueName, caller: 'test', url: `${baseUrl}/missing` }),
      );
      expect(missing).toMatchObject({ code: 'REST_HTTP_STATUS', status: 404, bodyText: '{"error":"nope"}' });
      expect(server.count('/missing')).toBe(1);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'retries a refused connection and names the cause',
    async () => {
      // Not a stopped server's port: another test may listen on it by then (one did, and
      // answered 404). Nothing can listen on port 0, so the kernel refuses every connection to it.
      const { client } = newClient(roomy, { maxAttempts: 3 });
      const error = await rejection(
        client.request({ venue: venueName, caller: 'test', url: 'http://127.0.0.1:0/x' }),
      );
      expect(error.code).toBe('REST_NETWORK');
      expect(error.message).toMatch(/ECONNREFUSED/);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'refuses a body over its size limit without retrying',
    async () => {
      server.handler = (_request, response) => response.end('x'.repeat(1_000));
      const { client } = newClient(roomy, { maxBodyBytes: 100 });
      const error = await rejection(
        client.request({ venue: venueName, caller: 'test', url: `${baseUrl}/big` }),
      );
      expect(error.code).toBe('REST_BODY_TOO_LARGE');
      expect(server.count('/big')).toBe(1);
    },
    TEST_TIMEOUT_MS,
  );

  it('rejects a call to a venue it was not given', async () => {
    const { client } = newClient();
    expect(await rejection(client.request({ venue: 'nowhere', caller: 'test', url: baseUrl }))).toMatchObject(
      {
        code: 'REST_UNKNOWN_VENUE',
      },
    );
  });
});
