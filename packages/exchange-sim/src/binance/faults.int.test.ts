import { MALFORMED_FRAMES, startExchangeSim } from './index';
import { TestClient, httpGet, httpPost, sleep, until, withTimeout } from '../test-support/ws-test-client';
import { FAST_SIM, useSimFixture } from '../test-support/sim-fixture';

const { start, connect } = useSimFixture({ tradesPerSecond: 50 });

describe('GET /_sim/stats', () => {
  it('counts open and total connections, REST requests and subscriptions', async () => {
    const s = await start();
    const a = await connect('/ws/btcusdt@trade/ethusdt@trade');
    const b = await connect('/stream?streams=btcusdt@trade');
    // A frame the client has read was sent, so framesSent cannot be 0 (right after the connects it can).
    await b.nextJson();
    a.close();
    await a.closed;
    await httpGet(`${s.url}/api/v3/ping`);
    // The simulator counts a close when its side of the socket has closed, which may be later.
    await until(() => s.stats().wsConnections === 1, 'the simulator to see the close');
    const stats = (await httpGet(`${s.url}/_sim/stats`)).json();
    expect(stats).toMatchObject({
      wsConnections: 1,
      wsConnectionsTotal: 2,
      restRequests: 1,
      subscriptions: 1,
    });
    for (const key of [
      'rest429',
      'rest418',
      'closed1008',
      'pingsSent',
      'pongsReceived',
      'messagesIn',
      'refusedConnections',
    ]) {
      expect(typeof stats[key]).toBe('number');
    }
    expect(stats.framesSent).toBeGreaterThan(0);
    expect(s.stats()).toMatchObject({ wsConnections: 1, wsConnectionsTotal: 2 });
  });
});

describe('fault endpoints', () => {
  it('drops every connection abruptly, or with the close code given', async () => {
    const s = await start();
    const a = await connect('/ws/btcusdt@trade');
    const b = await connect('/stream?streams=btcusdt@trade');
    expect((await httpPost(`${s.url}/_sim/drop`)).json()).toEqual({ ok: true });
    expect((await a.closed).code).toBe(1006);
    expect((await b.closed).code).toBe(1006);
    const c = await connect('/ws/btcusdt@trade');
    await httpPost(`${s.url}/_sim/drop?code=1011`);
    expect((await c.closed).code).toBe(1011);
    await until(() => s.stats().wsConnections === 0, 'the simulator to see the last close');
    expect(s.stats().wsConnections).toBe(0);
  });

  it('stalls the feed (no data, no pings) until resume, keeping connections open', async () => {
    const s = await start({ pingIntervalMs: 100, maxIncomingPerSecond: 100 });
    const client = await connect('/ws/btcusdt@trade');
    await client.next();
    await httpPost(`${s.url}/_sim/stall?ms=0`);
    await sleep(50); // frames already in flight
    const pingsBefore = client.pings.length;
    expect(await client.collect(400)).toEqual([]);
    expect(client.pings.length).toBe(pingsBefore);
    expect(client.isOpen).toBe(true);
    client.drain();
    await httpPost(`${s.url}/_sim/resume`);
    await client.next(undefined, 1_000);
    expect(s.recentEvents({ stream: 'btcusdt@trade' }).length).toBeGreaterThan(20);
  });

  it('ends a timed stall by itself', async () => {
    const s = await start();
    const client = await connect('/ws/btcusdt@trade');
    // Measured from the stall itself: a sleep may last longer than asked on a loaded machine.
    const stalledAt = Date.now();
    s.faults.stall(300);
    await sleep(50); // frames already in flight
    client.drain();
    await client.next((t) => t.includes('"e":"trade"'), 2_000);
    expect(Date.now() - stalledAt).toBeGreaterThanOrEqual(290);
  });

  it('sends the requested number of malformed frames to every connection', async () => {
    const s = await start({ tradesPerSecond: 0 });
    const client = await connect('/ws');
    await httpPost(`${s.url}/_sim/malformed?count=4`);
    const frames = await withTimeout(
      (async () => {
        while (client.frames.length < 4) await sleep(10);
        return client.frames;
      })(),
      1_000,
      '4 malformed frames',
    );
    expect(frames).toEqual(MALFORMED_FRAMES.slice(0, 4));
    expect(client.isOpen).toBe(true);
  });

  it('refuses WebSocket connections while on, and counts them', async () => {
    const s = await start();
    await httpPost(`${s.url}/_sim/refuse?on=1`);
    await expect(TestClient.connect(`${s.wsUrl}/ws/btcusdt@trade`)).rejects.toThrow();
    expect(s.stats().refusedConnections).toBe(1);
    expect((await httpGet(`${s.url}/api/v3/ping`)).status).toBe(200);
    await httpPost(`${s.url}/_sim/refuse?on=0`);
    const client = await connect('/ws/btcusdt@trade');
    expect(client.isOpen).toBe(true);
  });

  it('fails the next REST requests with the injected status, then recovers', async () => {
    const s = await start();
    await httpPost(`${s.url}/_sim/rest-fault?status=503&count=2`);
    expect((await httpGet(`${s.url}/api/v3/ping`)).status).toBe(503);
    expect((await httpGet(`${s.url}/api/v3/ping`)).status).toBe(503);
    expect((await httpGet(`${s.url}/api/v3/ping`)).status).toBe(200);
    await httpPost(`${s.url}/_sim/rest-fault?status=429&count=1&retryAfter=7`);
    const limited = await httpGet(`${s.url}/api/v3/ticker/price`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.json()).toMatchObject({ code: -1003 });
    s.faults.restFault({ status: 502, count: 1 });
    const gateway = await httpGet(`${s.url}/api/v3/ticker/price`);
    expect(gateway.status).toBe(502);
    expect(gateway.headers.get('content-type')).toBe('text/html');
    s.faults.restFault({ status: 500, count: 5 });
    await httpPost(`${s.url}/_sim/reset`);
    expect((await httpGet(`${s.url}/api/v3/ping`)).status).toBe(200);
    expect(s.stats()).toMatchObject({ rest429: 1 });
  });

  it('changes the trade rate of the running feed, and stops trading at rate 0', async () => {
    const s = await start({ tradesPerSecond: 0 });
    const client = await connect('/ws/btcusdt@aggTrade');
    expect(await client.collect(200)).toEqual([]);
    expect((await httpPost(`${s.url}/_sim/rate?tradesPerSecond=50`)).json()).toEqual({ ok: true });
    await client.next((t) => t.includes('"e":"aggTrade"'), 1_000);
    s.setTradesPerSecond(0);
    await sleep(50); // frames already in flight
    client.drain();
    expect(await client.collect(300)).toEqual([]);
    expect((await httpPost(`${s.url}/_sim/rate?tradesPerSecond=-1`)).status).toBe(400);
    expect((await httpPost(`${s.url}/_sim/rate?tradesPerSecond=fast`)).status).toBe(400);
    expect(() => s.setTradesPerSecond(Number.NaN)).toThrow(RangeError);
  });

  it('rejects bad parameters, wrong methods and unknown endpoints with a coded error', async () => {
    const s = await start();
    const bad = await httpPost(`${s.url}/_sim/rest-fault?status=404`);
    expect(bad.status).toBe(400);
    expect(bad.json().error).toEqual({ code: 'SIM_BAD_PARAM', message: expect.stringContaining("'status'") });
    expect((await httpPost(`${s.url}/_sim/refuse?on=maybe`)).status).toBe(400);
    expect((await httpGet(`${s.url}/_sim/drop`)).status).toBe(405);
    expect((await httpPost(`${s.url}/_sim/stats`)).status).toBe(405);
    expect((await httpPost(`${s.url}/_sim/nope`)).json().error.code).toBe('SIM_NOT_FOUND');
  });
});

describe('lifecycle', () => {
  it('stops idempotently and refuses connections afterwards', async () => {
    const s = await startExchangeSim(FAST_SIM);
    const client = await TestClient.connect(`${s.wsUrl}/ws/btcusdt@trade`);
    const stopped = s.stop();
    expect(s.stop()).toBe(stopped);
    await stopped;
    expect((await client.closed).code).toBe(1001);
    await expect(TestClient.connect(`${s.wsUrl}/ws`, {}, 1_000)).rejects.toThrow();
  });

  it('reports every invalid option at once', async () => {
    await expect(
      startExchangeSim({ port: -1, symbols: ['NOPE'], tradesPerSecond: -5 }),
    ).rejects.toMatchObject({
      code: 'SIM_INVALID_OPTIONS',
      problems: [
        expect.stringContaining('port'),
        expect.stringContaining('tradesPerSecond'),
        expect.stringContaining('NOPE'),
      ],
    });
  });

  it('delivers every generated event to onEvent listeners until they unsubscribe', async () => {
    const s = await start();
    const seen: string[] = [];
    const off = s.onEvent((e) => seen.push(e.stream));
    await sleep(200);
    off();
    const count = seen.length;
    await sleep(100);
    expect(count).toBeGreaterThan(10);
    expect(seen.length).toBe(count);
    expect(seen).toContain('btcusdt@trade');
  });
});
