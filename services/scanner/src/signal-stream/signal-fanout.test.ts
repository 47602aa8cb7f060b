/**
 * The fan-out over real sockets, without Redis: what a client that stops reading costs (it is
 * cut), and what a resuming client gets from the live events that raced its replay.
 */
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { createLogger, createMetricsRegistry } from '@tickwire/observability';
import { SSE_HEADERS } from '@tickwire/service';
import { openSse, waitFor, type SseConnection } from '@tickwire/testkit';
import { createScannerMetrics } from '../metrics';
import type { SignalEntry } from '../signals/signal-entry';
import { SignalFanout } from './signal-fanout';
import type { SignalSubscriber } from './signal-subscriber';

const OWNER = 'owner-1';
/** Server and clients share this process: a wait must outlast a stall of it. */
const WAIT_MS = 10_000;

function entry(seq: number, padding = 0): SignalEntry {
  return {
    streamId: `1764660000000-${seq}`,
    ownerId: OWNER,
    strategyId: 'strategy-1',
    symbol: 'BTCUSDT',
    json: JSON.stringify({ seq, padding: 'x'.repeat(padding) }),
  };
}

describe('the signal fan-out', () => {
  let server: Server;
  let url: string;
  let fanout: SignalFanout;
  let metrics: ReturnType<typeof createScannerMetrics>;
  const subscribed: SignalSubscriber[] = [];
  const opened: { close(): void }[] = [];

  beforeEach(async () => {
    metrics = createScannerMetrics(createMetricsRegistry({ defaultMetrics: false }), {
      scanIntervalMs: 60_000,
      heartbeat: () => ({ state: 'unknown' }),
    });
    fanout = new SignalFanout({
      heartbeatMs: 60_000,
      maxClientBufferBytes: 64 * 1024,
      logger: createLogger({ level: 'silent', service: 'scanner' }),
      metrics,
    });
    await fanout.start();
    server = createServer((_req, res) => {
      res.writeHead(200, SSE_HEADERS);
      subscribed.push(fanout.subscribe(res, { ownerId: OWNER }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterEach(async () => {
    for (const client of opened.splice(0)) client.close();
    subscribed.length = 0;
    await fanout.stop();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  async function reader(): Promise<SseConnection> {
    const sse = await openSse(url);
    opened.push(sse);
    await waitFor(() => subscribed.length === opened.length, {
      timeoutMs: WAIT_MS,
      what: 'the subscription',
    });
    return sse;
  }

  /** A client that sends its request and then never reads a byte. */
  async function stalled(): Promise<Socket> {
    const { port } = server.address() as AddressInfo;
    const socket = connect(port, '127.0.0.1');
    opened.push({ close: () => socket.destroy() });
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n');
    socket.pause();
    await waitFor(() => subscribed.length === opened.length, {
      timeoutMs: WAIT_MS,
      what: 'the subscription',
    });
    return socket;
  }

  it('cuts a client that stopped reading, counts it, and goes on writing to the one that reads', async () => {
    const reading = await reader();
    const stuck = await stalled();
    const stuckClosed = new Promise((resolve) => stuck.once('close', resolve));
    let published = 0;
    // Past the kernel's socket buffers the stalled client's bytes queue in node, up to the limit.
    while ((await metrics.signalStreamDropped.get()).values[0]!.value === 0) {
      if (published === 2_000) throw new Error('the stalled client was never cut');
      fanout.publish(entry(++published, 32 * 1024));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(fanout.clientCount()).toBe(1);
    // The reader got every signal, the cut client's last words did not reach it.
    await reading.waitForEvents((events) => events.length === published, 10_000);
    expect(reading.events.map((e) => e.id)).toEqual(
      Array.from({ length: published }, (_, i) => `1764660000000-${i + 1}`),
    );
    fanout.publish(entry(++published));
    await reading.waitForEvents((events) => events.length === published, WAIT_MS);
    stuck.resume();
    await stuckClosed;
    expect((await metrics.signalStreamClients.get()).values[0]!.value).toBe(1);
  });

  it('sends a resumed client the live events newer than its replay, each once, in order', async () => {
    const ahead = await reader();
    const behind = await reader();
    const [aheadClient, behindClient] = subscribed;
    aheadClient!.hold();
    behindClient!.hold();
    // Each replay reads Redis up to 3. The feed was at 1 while they were read, then read on.
    fanout.publish(entry(1));
    for (const seq of [2, 3, 4]) {
      // One replay ended before the feed got here, the other after.
      if (seq === 2) expect(behindClient!.release('1764660000000-3')).toBe(0);
      fanout.publish(entry(seq));
    }
    expect(aheadClient!.release('1764660000000-3')).toBe(1);
    fanout.publish(entry(5));
    for (const sse of [ahead, behind]) {
      await sse.waitForEvents((events) => events.some((e) => e.id === '1764660000000-5'), WAIT_MS);
      expect(sse.events.map((e) => e.id)).toEqual(['1764660000000-4', '1764660000000-5']);
    }
  });

  it('ends every stream with a last status when it stops', async () => {
    const sse = await reader();
    await fanout.stop();
    await waitFor(() => sse.closed, { timeoutMs: WAIT_MS, what: 'the stream to end' });
    expect(sse.events.map((e) => [e.event, JSON.parse(e.data) as unknown])).toEqual([
      ['status', { state: 'closing', reason: 'server-shutdown' }],
    ]);
    expect(fanout.clientCount()).toBe(0);
  });
});
