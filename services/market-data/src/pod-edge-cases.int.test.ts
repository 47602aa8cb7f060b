/**
 * What a pod answers at its edges, on real sockets: a client that stops reading is cut and
 * told why, a symbol without a price yet, a pod shutting down, and a pod limited to SYMBOLS.
 */
import { connect, type Socket } from 'node:net';
import { openSse, sampleValue, waitFor } from '@tickwire/testkit';
import { startPodHarness, type PodHarness } from './testing/pod-harness';

jest.setTimeout(60_000);

/** The stalled client's time to read up to the reason, and how late it starts reading (ms). */
const END_GRACE_MS = 30_000;
const LATE_READER_MS = 1_500;
/**
 * How long a client may stay backed up before it is cut (ms): the reading client shares this
 * process with the pod, so a stall of it must not look like a client that stopped reading.
 */
const STUCK_CLIENT_MS = 3_000;

/** Enough symbols that one stream carries about half a megabyte a second. */
const BUSY_SYMBOLS = Array.from({ length: 40 }, (_, i) => `S${String(i).padStart(2, '0')}USDT`);

interface ErrorBody {
  error: { code: string; message: string };
}

/** A GET on its own socket whose head is sent now and whose last line is sent by `finish()`. */
function heldRequest(url: string, path: string) {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  let text = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined);
  socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\n`);
  return {
    socket,
    finish: () => socket.write('\r\n'),
    /** The status code and the body, once the server has answered and closed. */
    response: async () => {
      await waitFor(() => /\r\n\r\n/.test(text) && text, { timeoutMs: 5_000, what: `an answer to ${path}` });
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
      return { status, head: text.split('\r\n\r\n')[0]!, closed };
    },
    text: () => text,
  };
}

describe('market-data pod edge cases', () => {
  let harness: PodHarness | undefined;

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it('cuts a client that stops reading after SSE_STUCK_CLIENT_MS with a final status event, and no other client notices', async () => {
    // About 0.5 MB/s per client: enough to fill the kernel's socket buffers (a few MB on
    // loopback) within seconds, so the pod's own buffer for the stalled client starts to grow.
    harness = await startPodHarness(
      {
        SYMBOLS: BUSY_SYMBOLS.join(','),
        SSE_MAX_CLIENT_BUFFER_BYTES: '1024',
        SSE_STUCK_CLIENT_MS: String(STUCK_CLIENT_MS),
        SSE_END_GRACE_MS: String(END_GRACE_MS),
      },
      { symbols: BUSY_SYMBOLS, tradesPerSecond: 25 },
    );
    const pod = harness;
    const path = `/v1/stream?symbols=${BUSY_SYMBOLS.join(',')}`;
    const reader = await openSse(`${pod.url}${path}`);
    const { hostname, port } = new URL(pod.url);
    const stalled: Socket = connect(Number(port), hostname);
    const cutLine = () => pod.logs.find((line) => line.msg === 'cut SSE clients that stopped reading');
    try {
      let received = '';
      stalled.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
      const closed = new Promise<void>((resolve) => stalled.once('close', () => resolve()));
      stalled.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\nAccept: text/event-stream\r\n\r\n`);
      await waitFor(() => received.includes('event: tick'), { timeoutMs: 5_000, what: 'a first tick' });
      // The client stops reading: the kernel's buffers fill, then the pod's; it is stuck, then cut.
      stalled.pause();
      await waitFor(cutLine, { timeoutMs: 40_000, intervalMs: 5, what: 'the stalled client to be cut' });
      // The client comes back later than the default grace (1 s): within SSE_END_GRACE_MS the
      // reason still reaches it, behind the megabytes it had not read.
      await new Promise((resolve) => setTimeout(resolve, LATE_READER_MS));
      stalled.resume();
      await closed;

      const reason = received.lastIndexOf('"reason":"slow-consumer"');
      expect(reason).toBeGreaterThan(received.lastIndexOf('event: tick'));
      expect(received.slice(received.lastIndexOf('event: ', reason))).toMatch(
        /^event: status\ndata: \{"state":"disconnected","reason":"slow-consumer"\}/,
      );
      expect(cutLine()).toMatchObject({ component: 'hub', clients: 1, stuckMs: STUCK_CLIENT_MS });

      // The client that reads was never cut and goes on receiving ticks.
      const before = reader.events.length;
      await reader.waitForEvents((events) => events.length > before + 10, 5_000);
      expect(reader.closed).toBe(false);
      expect(reader.events.filter((e) => e.event === 'status' && e.data.includes('slow-consumer'))).toEqual(
        [],
      );
      const metrics = await pod.metrics();
      expect(sampleValue(metrics, 'tickwire_sse_slow_client_disconnects_total')).toBe(1);
      expect(sampleValue(metrics, 'tickwire_sse_stuck_clients')).toBe(0);
      expect(sampleValue(metrics, 'tickwire_sse_clients')).toBe(1);
    } finally {
      reader.close();
      stalled.destroy();
    }
  });

  it('answers 503 PRICE_UNAVAILABLE with Retry-After for a configured symbol that has no price yet', async () => {
    harness = await startPodHarness(
      { SYMBOLS: 'BTCUSDT,ETHUSDT,NOTRADEUSDT' },
      { symbols: ['BTCUSDT', 'ETHUSDT'] },
    );
    const pod = harness;
    await waitFor(async () => (await pod.get('/v1/prices/BTCUSDT')).status === 200, {
      timeoutMs: 5_000,
      what: 'a BTCUSDT price',
    });
    const response = await pod.get('/v1/prices/NOTRADEUSDT');
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe('PRICE_UNAVAILABLE');
    expect(body.error.message).toContain('NOTRADEUSDT');
  });

  it('while shutting down: /readyz and new streams answer 503, /livez still 200', async () => {
    harness = await startPodHarness();
    const pod = harness;
    expect((await pod.get('/readyz')).status).toBe(200);
    const connectionsBefore = await pod.pod.openConnections();
    // Requests whose head arrived before the shutdown began, answered after it began.
    const readyz = heldRequest(pod.url, '/readyz');
    const livez = heldRequest(pod.url, '/livez');
    const stream = heldRequest(pod.url, '/v1/stream?symbols=BTCUSDT');
    const held = [readyz, livez, stream];
    // Heads handed to the kernel on connections the server accepted (bytesWritten also counts
    // bytes still queued here): the server then reads them before any timer the shutdown arms can
    // run, however long this process stalls, and none is closed as idle.
    await waitFor(
      async () =>
        held.every(({ socket }) => !socket.connecting && socket.writableLength === 0) &&
        (await pod.pod.openConnections()) >= connectionsBefore + held.length,
      { timeoutMs: 5_000, what: 'the request heads at the server' },
    );
    const stopped = pod.pod.stop();
    harness = undefined;
    try {
      for (const request of held) request.finish();
      const [ready, live, streamed] = await Promise.all([
        readyz.response(),
        livez.response(),
        stream.response(),
      ]);
      expect(ready.status).toBe(503);
      expect(readyz.text()).toContain('{"status":"shutting-down"}');
      expect(live.status).toBe(200);
      expect(streamed.status).toBe(503);
      expect(streamed.head).toMatch(/\r\nretry-after: 1\r\n/i);
      expect(stream.text()).toContain('"code":"SHUTTING_DOWN"');
    } finally {
      for (const request of held) request.socket.destroy();
      await stopped;
      await pod.sim.stop();
    }
  });

  it('with DYNAMIC_SYMBOLS=false refuses a symbol the exchange lists but SYMBOLS does not, and never subscribes it', async () => {
    harness = await startPodHarness(
      { DYNAMIC_SYMBOLS: 'false', SYMBOLS: 'BTCUSDT' },
      { symbols: ['BTCUSDT', 'ETHUSDT'] },
    );
    const pod = harness;
    await waitFor(async () => (await pod.get('/v1/prices/BTCUSDT')).status === 200, {
      timeoutMs: 5_000,
      what: 'a BTCUSDT price',
    });
    for (const path of ['/v1/prices/ETHUSDT', '/v1/stream?symbols=BTCUSDT,ETHUSDT']) {
      const response = await pod.get(path);
      expect(response.status).toBe(404);
      expect(((await response.json()) as ErrorBody).error.code).toBe('UNKNOWN_SYMBOL');
    }
    // Asked again and again, the leader still carries only what SYMBOLS lists.
    const status = (await (await pod.get('/v1/status')).json()) as Record<string, unknown>;
    expect(Object.keys(pod.sim.subscriptions()).filter((s) => s.startsWith('eth'))).toEqual([]);
    expect(status).toMatchObject({ symbolCatalog: null });
  });
});
