/**
 * A pod and the Binance simulator over real sockets: what SSE clients receive, and how the
 * upstream survives drops, stalls, pings and malformed frames.
 */
import { openSse, sampleValue, waitFor, type SseConnection } from '@tickwire/testkit';
import type { SimEvent } from '@tickwire/exchange-sim';
import { startPodHarness, type PodHarness } from './testing/pod-harness';

jest.setTimeout(20_000);

interface TickData {
  symbol: string;
  last?: string;
  eventTime: number;
}

const ticks = (sse: SseConnection) => sse.events.filter((e) => e.event === 'tick');

describe('market-data pod streaming from the simulator', () => {
  let harness: PodHarness;
  let sse: SseConnection | undefined;

  afterEach(async () => {
    sse?.close();
    sse = undefined;
    await harness?.stop();
  });

  it('sends a snapshot, then ticks whose prices are byte for byte what the exchange sent', async () => {
    harness = await startPodHarness();
    const sent: SimEvent[] = [];
    const off = harness.sim.onEvent((event) => sent.push(event));
    try {
      await waitFor(async () => (await harness.get('/v1/prices/BTCUSDT')).status === 200, {
        timeoutMs: 5_000,
      });
      sse = await openSse(`${harness.url}/v1/stream?symbols=BTCUSDT,ETHUSDT`);
      expect(sse.status).toBe(200);
      expect(sse.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      expect(sse.headers['cache-control']).toContain('no-cache');
      expect(sse.headers['x-accel-buffering']).toBe('no');
      await sse.waitForEvents((events) => events.filter((e) => e.event === 'tick').length >= 20, 10_000);
      expect(sse.retry).toBeGreaterThanOrEqual(harness.config.SSE_RETRY_MS);
      expect(sse.events[0]!.event).toBe('snapshot');
      const snapshot = JSON.parse(sse.events[0]!.data) as { tickers: TickData[] };
      expect(snapshot.tickers.map((t) => t.symbol).sort()).toEqual(['BTCUSDT', 'ETHUSDT']);

      // Every price a client saw is a string the simulator sent for that symbol, unchanged.
      const sentPrices = new Set(
        sent.flatMap((event) => {
          const data = event.data as { s?: string; p?: string; c?: string };
          return [data.p, data.c]
            .filter((p): p is string => typeof p === 'string')
            .map((p) => `${data.s}:${p}`);
        }),
      );
      const seen = ticks(sse).map((e) => JSON.parse(e.data) as TickData);
      expect(new Set(seen.map((t) => t.symbol))).toEqual(new Set(['BTCUSDT', 'ETHUSDT']));
      for (const tick of seen) {
        expect(tick.last).toMatch(/^\d+\.\d{8}$/);
        expect(sentPrices.has(`${tick.symbol}:${tick.last}`)).toBe(true);
      }
      // Event ids increase, so Last-Event-ID always points at the newest event.
      const ids = ticks(sse).map((e) => e.id!);
      expect(ids.every((id) => /^\d+-\d+$/.test(id))).toBe(true);
      // The open stream left node's HTTP server (http-detach.ts), counted in /metrics.
      const metrics = await harness.metrics();
      expect(sampleValue(metrics, 'tickwire_sse_detach_total', { outcome: 'detached' })).toBe(1);
    } finally {
      off();
    }
  });

  it('reconnects after the exchange drops every connection, and clients keep receiving ticks', async () => {
    harness = await startPodHarness();
    sse = await openSse(`${harness.url}/v1/stream?symbols=BTCUSDT`);
    await sse.waitForEvents((events) => events.some((e) => e.event === 'tick'), 5_000);
    harness.sim.faults.dropAll();
    await waitFor(
      () => harness.sim.stats().wsConnectionsTotal >= 2 && harness.sim.stats().wsConnections === 1,
      {
        timeoutMs: 5_000,
        what: 'a second exchange connection',
      },
    );
    const before = ticks(sse).length;
    await sse.waitForEvents((events) => events.filter((e) => e.event === 'tick').length > before + 3, 5_000);
    const metrics = await harness.metrics();
    expect(sampleValue(metrics, 'tickwire_upstream_reconnects_total')).toBeGreaterThanOrEqual(1);
  });

  it('reconnects when the feed goes silent longer than the watchdog allows', async () => {
    harness = await startPodHarness({ UPSTREAM_WATCHDOG_MS: '1000' });
    await waitFor(() => harness.sim.stats().wsConnections === 1, { timeoutMs: 5_000 });
    harness.sim.faults.stall(0);
    await waitFor(
      async () =>
        sampleValue(await harness.metrics(), 'tickwire_upstream_reconnects_total', { reason: 'watchdog' }) >=
        1,
      {
        timeoutMs: 5_000,
        what: 'a watchdog reconnect',
      },
    );
    harness.sim.faults.resume();
    await waitFor(
      () => harness.sim.stats().wsConnectionsTotal >= 2 && harness.sim.stats().wsConnections === 1,
      {
        timeoutMs: 5_000,
      },
    );
    expect(
      harness.logs.some(
        (line) => line.msg === 'exchange feed silent, reconnecting' && (line.silentMs as number) >= 1000,
      ),
    ).toBe(true);
  });

  it("answers the exchange's pings, so the connection outlives many pong deadlines", async () => {
    // One ping per 250 ms keeps our pongs under Binance's 5 incoming messages/s.
    harness = await startPodHarness({}, { pingIntervalMs: 250, pongTimeoutMs: 300 });
    await waitFor(() => harness.sim.stats().wsConnections === 1, { timeoutMs: 5_000 });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const stats = harness.sim.stats();
    expect(stats.pingsSent).toBeGreaterThanOrEqual(6);
    // The newest ping may still be in flight when the stats are read.
    expect(stats.pongsReceived).toBeGreaterThanOrEqual(stats.pingsSent - 1);
    expect(stats.wsConnectionsTotal).toBe(1);
    expect(stats.closed1008).toBe(0);
  });

  it('counts and skips malformed frames without dropping the connection', async () => {
    harness = await startPodHarness();
    sse = await openSse(`${harness.url}/v1/stream?symbols=ETHUSDT`);
    await sse.waitForEvents((events) => events.some((e) => e.event === 'tick'), 5_000);
    harness.sim.faults.sendMalformed(5);
    await waitFor(
      async () =>
        sampleValue(await harness.metrics(), 'tickwire_upstream_messages_total', { type: 'malformed' }) >= 5,
      { timeoutMs: 5_000, what: 'five malformed frames counted' },
    );
    const before = ticks(sse).length;
    await sse.waitForEvents((events) => events.filter((e) => e.event === 'tick').length > before + 2, 5_000);
    expect(harness.sim.stats().wsConnectionsTotal).toBe(1);
    expect(harness.logs.some((line) => line.msg === 'malformed exchange frame dropped')).toBe(true);
  });

  it('resumes a reconnecting client from Last-Event-ID with exactly the events it missed', async () => {
    harness = await startPodHarness();
    sse = await openSse(`${harness.url}/v1/stream?symbols=BTCUSDT`);
    await sse.waitForEvents((events) => events.filter((e) => e.event === 'tick').length >= 3, 5_000);
    const lastId = sse.lastEventId!;
    sse.close();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const resumed = await openSse(`${harness.url}/v1/stream?symbols=BTCUSDT`, { 'Last-Event-ID': lastId });
    const live = await openSse(`${harness.url}/v1/stream?symbols=BTCUSDT`);
    try {
      await resumed.waitForEvents((events) => events.filter((e) => e.event === 'tick').length >= 8, 5_000);
      expect(resumed.events.some((e) => e.event === 'snapshot')).toBe(false);
      const resumedIds = resumed.events.filter((e) => e.event === 'tick').map((e) => e.id!);
      expect(new Set(resumedIds).size).toBe(resumedIds.length);
      const [lastMs, lastSeq] = lastId.split('-').map(Number);
      const [firstMs, firstSeq] = resumedIds[0]!.split('-').map(Number);
      expect(firstMs! > lastMs! || (firstMs === lastMs && firstSeq! > lastSeq!)).toBe(true);

      const stale = await openSse(`${harness.url}/v1/stream?symbols=BTCUSDT`, { 'Last-Event-ID': '1-0' });
      await stale.waitForEvents((events) => events.some((e) => e.event === 'status'), 5_000);
      expect(stale.events[0]!.event).toBe('snapshot');
      expect(JSON.parse(stale.events[1]!.data)).toMatchObject({ recovered: false });
      stale.close();
    } finally {
      resumed.close();
      live.close();
    }
  });

  it('refuses streams beyond the per-pod cap with 503 and Retry-After', async () => {
    harness = await startPodHarness({ SSE_MAX_CLIENTS: '1' });
    sse = await openSse(`${harness.url}/v1/stream?symbols=BTCUSDT`);
    const refused = await harness.get('/v1/stream?symbols=BTCUSDT');
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toEqual({
      error: { code: 'TOO_MANY_STREAMS', message: expect.any(String) },
    });
  });

  it('sends a throttled client at most one tick per symbol per period', async () => {
    harness = await startPodHarness({}, { tradesPerSecond: 50 });
    sse = await openSse(`${harness.url}/v1/stream?symbols=BTCUSDT&throttle=500`);
    const start = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const count = ticks(sse).filter((e) => e.receivedAt - start <= 2_100).length;
    expect(count).toBeGreaterThanOrEqual(2);
    expect(count).toBeLessThanOrEqual(5);
  });
});
