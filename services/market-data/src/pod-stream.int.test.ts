/**
 * A pod and the Binance simulator over real sockets: what SSE clients receive, and how the
 * upstream survives drops, stalls, pings and malformed frames.
 */
import { EventSource, type FetchLike } from 'eventsource';
import { compareEventPositions, parseEventId } from '@tickwire/cluster';
import {
  midBatchTick,
  openSse,
  sampleValue,
  ticksAfter,
  waitFor,
  type SseConnection,
} from '@tickwire/testkit';
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
      // Both symbols have a price before the stream opens, so its snapshot must hold both.
      for (const symbol of ['BTCUSDT', 'ETHUSDT'])
        await waitFor(async () => (await harness.get(`/v1/prices/${symbol}`)).status === 200, {
          timeoutMs: 5_000,
          what: `a price for ${symbol}`,
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
      // Every event has an id, and they only go up: Last-Event-ID always points at the newest event.
      const positions = sse.events.map((e) => parseEventId(e.id ?? ''));
      expect(positions.every((position) => position !== undefined)).toBe(true);
      positions.slice(1).forEach((position, i) => {
        expect(compareEventPositions(position!, positions[i]!)).toBeGreaterThanOrEqual(0);
      });
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
    // One ping per 250 ms keeps our pongs under Binance's 5 incoming messages/s. The pod and the
    // simulator share this process: a stall of it longer than the deadline would let the
    // deadline's timer run before the pong is read, so the deadline is 3 s, not a few hundred ms.
    harness = await startPodHarness({}, { pingIntervalMs: 250, pongTimeoutMs: 3_000 });
    await waitFor(() => harness.sim.stats().wsConnections === 1, { timeoutMs: 5_000 });
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    // The pings sent before a stall of this process may still be unanswered when the pause ends.
    const pinged = harness.sim.stats().pingsSent;
    await waitFor(() => harness.sim.stats().pongsReceived >= pinged, {
      timeoutMs: 5_000,
      what: 'a pong to every ping sent',
    });
    const stats = harness.sim.stats();
    // Several pings' deadlines have passed.
    expect(stats.pingsSent).toBeGreaterThanOrEqual(6);
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

  /** A client reconnecting with the id of the last event it read, as a browser or a polyfill does. */
  const reconnect = {
    'the Last-Event-ID header': (url: string, id: string) => openSse(url, { 'Last-Event-ID': id }),
    'the lastEventId query parameter': (url: string, id: string) =>
      openSse(`${url}&lastEventId=${encodeURIComponent(id)}`),
  };

  it.each(Object.keys(reconnect) as (keyof typeof reconnect)[])(
    'resumes a client that left in the middle of a batch, from %s, with exactly the events after the last it read',
    async (via) => {
      harness = await startPodHarness();
      const url = `${harness.url}/v1/stream?symbols=BTCUSDT,ETHUSDT`;
      // Connected all along: what the resumed client must get, event for event.
      const reference = await openSse(url);
      const first = await openSse(url);
      let resumed: SseConnection | undefined;
      try {
        await first.waitForEvents((events) => midBatchTick(events) !== undefined, 10_000);
        const leftAt = midBatchTick(first.events)!;
        first.close();
        // The client is away while the batch's other ticks and later batches go out.
        await reference.waitForEvents((events) => ticksAfter(events, leftAt, 10) !== undefined, 10_000);
        resumed = await reconnect[via](url, leftAt.id!);
        await resumed.waitForEvents(
          (events) => events.filter((e) => e.event === 'tick').length >= 20,
          10_000,
        );
        const received = ticks(resumed).map(({ id, data }) => ({ id, data }));
        const expected = await waitFor(() => ticksAfter(reference.events, leftAt, received.length), {
          timeoutMs: 5_000,
          what: 'the reference client to receive as many ticks',
        });
        expect(received).toEqual(expected);
        expect(resumed.events.some((e) => e.event === 'snapshot')).toBe(false);
        const status = resumed.events.find((e) => e.event === 'status')!;
        expect(JSON.parse(status.data)).not.toHaveProperty('recovered');
        expect(status.id).toMatch(/^\d+-\d+(\.\d+)?$/);
      } finally {
        reference.close();
        first.close();
        resumed?.close();
      }
    },
  );

  it('answers an id it cannot resume from with a snapshot and recovered: false, both carrying the current position', async () => {
    harness = await startPodHarness();
    const url = `${harness.url}/v1/stream?symbols=BTCUSDT`;
    sse = await openSse(url);
    await sse.waitForEvents((events) => events.some((e) => e.event === 'tick'), 5_000);
    const issued = ticks(sse)[0]!.id!;
    const refused = [
      '1-0', // well formed, but not in the stream
      `${issued.split('.')[0]}.99`, // an event the batch does not have
      'not-an-id',
      `${issued}.0`,
      '9'.repeat(200),
    ];
    for (const [i, lastEventId] of refused.entries()) {
      // Every other one through the query parameter.
      const stale =
        i % 2 === 0
          ? await openSse(url, { 'Last-Event-ID': lastEventId })
          : await openSse(`${url}&lastEventId=${encodeURIComponent(lastEventId)}`);
      try {
        await stale.waitForEvents((events) => events.some((e) => e.event === 'status'), 5_000);
        const [snapshot, status] = stale.events;
        expect([lastEventId, snapshot!.event, status!.event]).toEqual([lastEventId, 'snapshot', 'status']);
        expect(JSON.parse(status!.data)).toMatchObject({ recovered: false });
        expect(snapshot!.id).toMatch(/^\d+-\d+$/);
        expect(status!.id).toBe(snapshot!.id);
      } finally {
        stale.close();
      }
    }
    expect((await harness.get('/livez')).status).toBe(200);
  });

  it('lets the eventsource package resume exactly after its connection broke in the middle of a batch', async () => {
    harness = await startPodHarness({ SSE_RETRY_MS: '100' });
    // Before the first batch there is no position to resume from, so no id to report.
    await waitFor(async () => (await harness.get('/v1/prices/ETHUSDT')).status === 200, { timeoutMs: 5_000 });
    const url = `${harness.url}/v1/stream?symbols=BTCUSDT,ETHUSDT`;
    const reference = await openSse(url);
    const cut = breakMidBatchOnce();
    const source = new EventSource(url, { fetch: cut.fetch });
    const received: { type: string; id: string; data: string; connection: number }[] = [];
    let connections = 0;
    source.addEventListener('open', () => (connections += 1));
    for (const type of ['snapshot', 'status', 'tick']) {
      source.addEventListener(type, (event) => {
        const { lastEventId, data } = event;
        received.push({ type, id: lastEventId, data: String(data), connection: connections });
      });
    }
    try {
      await waitFor(() => received.filter((e) => e.type === 'tick' && e.connection === 2).length >= 10, {
        timeoutMs: 10_000,
        what: 'ten ticks after the reconnect',
      });
      // It reconnected by itself, sending the id of the last event it had read.
      expect(cut.requests).toEqual([undefined, cut.brokeAfter]);
      // The ids it reported are the ones the pod sent: every event had one.
      expect(received.filter((e) => e.id === '')).toEqual([]);
      const ticksReceived = received.filter((e) => e.type === 'tick').map(({ id, data }) => ({ id, data }));
      const first = ticksReceived[0]!;
      const expected = await waitFor(
        () =>
          ticksAfter(reference.events, { ...first, event: 'tick', receivedAt: 0 }, ticksReceived.length - 1),
        { timeoutMs: 5_000, what: 'the reference client to receive as many ticks' },
      );
      expect(ticksReceived).toEqual([first, ...expected]);
      expect(received.filter((e) => e.type === 'snapshot')).toHaveLength(1);
    } finally {
      source.close();
      reference.close();
    }
  });

  it('refuses streams beyond the per-pod cap with 503 and Retry-After, and reports the cap', async () => {
    harness = await startPodHarness({ SSE_MAX_CLIENTS: '1' });
    expect(await (await harness.get('/metrics')).text()).toMatch(/^tickwire_sse_max_clients 1$/m);
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
    // Throttled, not stopped: a second tick comes. Waited for, not counted in the window: a stall
    // of this process may hold back the ticks the pod sent within it.
    await sse.waitForEvents((events) => events.filter((e) => e.event === 'tick').length >= 2, 5_000);
    // No more than one per period came within the window (a stall only makes them later).
    const count = ticks(sse).filter((e) => e.receivedAt - start <= 2_100).length;
    expect(count).toBeLessThanOrEqual(5);
  });
});

/**
 * A fetch for the eventsource package whose first stream ends right after a tick that has another
 * tick of its batch behind it, as if the connection broke there; later streams pass untouched.
 * Records the Last-Event-ID of every request.
 */
function breakMidBatchOnce() {
  const requests: (string | undefined)[] = [];
  let brokeAfter: string | undefined;
  const entryOf = (block: string) => /^id: ([^.\n]+)/m.exec(block)?.[1];
  const isTick = (block: string) => /^event: tick$/m.test(block);
  const fetchOnce: FetchLike = async (url, init) => {
    requests.push(init.headers['Last-Event-ID']);
    const response = await fetch(url, init);
    if (requests.length > 1) return response;
    const upstream = response.body!.getReader();
    const decoder = new TextDecoder();
    const encoder = new TextEncoder();
    let text = '';
    const body = new ReadableStream<Uint8Array>({
      // Passes on one whole event at a time, looking at the next before it decides.
      async pull(controller) {
        for (;;) {
          const end = text.indexOf('\n\n');
          const nextEnd = end === -1 ? -1 : text.indexOf('\n\n', end + 2);
          if (nextEnd !== -1) {
            const block = text.slice(0, end + 2);
            const next = text.slice(end + 2, nextEnd);
            text = text.slice(end + 2);
            controller.enqueue(encoder.encode(block));
            if (isTick(block) && isTick(next) && entryOf(block) === entryOf(next)) {
              brokeAfter = /^id: (.*)$/m.exec(block)![1];
              controller.close();
              await upstream.cancel();
            }
            return;
          }
          const { done, value } = await upstream.read();
          if (done) return controller.close();
          text += decoder.decode(value, { stream: true });
        }
      },
      cancel: () => upstream.cancel(),
    });
    return { body, url: response.url, status: response.status, redirected: false, headers: response.headers };
  };
  return {
    fetch: fetchOnce,
    requests,
    get brokeAfter() {
      return brokeAfter;
    },
  };
}
