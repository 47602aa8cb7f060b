import { httpGet, httpPost, until, type TestClient } from '../test-support/ws-test-client';
import { useSimFixture } from '../test-support/sim-fixture';

jest.setTimeout(10_000);

const { start, connect } = useSimFixture({ tradesPerSecond: 40 });

function subscribe(client: TestClient, streams: string[], id: number): void {
  client.send({ method: 'SUBSCRIBE', params: streams, id });
}

const mentions = (frames: string[], stream: string): boolean =>
  frames.some((t) => t.includes(`"stream":"${stream}"`));

describe('silenceSymbol fault', () => {
  it('silences the streams subscribed when it is set, while new subscriptions deliver', async () => {
    const sim = await start();
    const old = await connect('/stream?streams=btcusdt@trade/ethusdt@trade');
    const revived = await connect('/stream?streams=btcusdt@trade');
    await old.next((t) => t.includes('btcusdt@trade'));
    expect((await httpPost(`${sim.url}/_sim/silence?symbol=BTCUSDT&on=1`)).json()).toEqual({ ok: true });
    await old.settle(); // frames sent before the silence have all arrived
    const eventsBefore = sim.recentEvents({ stream: 'btcusdt@trade' }).length;
    const fresh = await connect('/stream?streams=btcusdt@trade');
    subscribe(revived, ['btcusdt@trade'], 7);

    const [oldFrames, freshFrames, revivedFrames] = await Promise.all([
      old.collectUntil((fs) => mentions(fs, 'ethusdt@trade'), 'ethusdt on the old connection', 400),
      fresh.collectUntil((fs) => mentions(fs, 'btcusdt@trade'), 'btcusdt on the fresh connection', 400),
      revived.collectUntil((fs) => mentions(fs, 'btcusdt@trade'), 'btcusdt on the revived connection', 400),
    ]);
    expect(mentions(oldFrames, 'btcusdt@trade')).toBe(false);
    expect(mentions(oldFrames, 'ethusdt@trade')).toBe(true);
    expect(mentions(freshFrames, 'btcusdt@trade')).toBe(true);
    expect(mentions(revivedFrames, 'btcusdt@trade')).toBe(true);
    expect(old.isOpen).toBe(true);
    // Still generated and logged (the trade timer may not yet have caught up after a stall).
    await until(
      () => sim.recentEvents({ stream: 'btcusdt@trade' }).length > eventsBefore + 5,
      'btcusdt trades generated while silenced',
    );
    expect(sim.stats().silencedSymbols).toEqual(['BTCUSDT']);
    expect(sim.stats().silencedFramesDropped).toBeGreaterThan(0);

    sim.faults.silenceSymbol('btcusdt', false);
    await old.next((t) => t.includes('"stream":"btcusdt@trade"'), 1_000);
    expect(sim.stats().silencedSymbols).toEqual([]);
  });

  it('is cleared by reset and refuses a symbol that is not simulated', async () => {
    const sim = await start();
    const client = await connect('/ws/ethusdt@aggTrade');
    sim.faults.silenceSymbol('ETHUSDT', true);
    await client.settle();
    client.drain();
    expect(await client.collect(200)).toEqual([]);
    sim.faults.reset();
    await client.next(undefined, 1_000);
    const bad = await httpPost(`${sim.url}/_sim/silence?symbol=NOPEUSDT&on=1`);
    expect(bad.status).toBe(400);
    expect(bad.json().error.message).toContain('not simulated');
    expect((await httpPost(`${sim.url}/_sim/silence?on=1`)).status).toBe(400);
    expect(() => sim.faults.silenceSymbol('NOPEUSDT', true)).toThrow(RangeError);
  });
});

describe('accounting for upstream tests', () => {
  it('counts control frames by method and the busiest rolling second of incoming frames', async () => {
    const sim = await start({ tradesPerSecond: 0 });
    const client = await connect('/ws');
    subscribe(client, ['btcusdt@trade'], 1);
    client.send({ method: 'LIST_SUBSCRIPTIONS', id: 2 });
    client.send({ method: 'LIST_SUBSCRIPTIONS', id: 3 });
    client.send('not json');
    // Frames are counted before they are answered, and answered in order.
    await client.next((t) => t.includes('"error"'));
    expect(sim.stats()).toMatchObject({
      controlFrames: 4,
      controlFramesByMethod: { SUBSCRIBE: 1, LIST_SUBSCRIPTIONS: 2, invalid: 1 },
      maxIncomingPerSecondSeen: 4,
    });
    const other = await connect('/ws');
    other.send({ method: 'LIST_SUBSCRIPTIONS', id: 1 });
    await other.next((t) => t.includes('"id":1'));
    // The maximum is kept, whichever connection reached it.
    expect(sim.stats().maxIncomingPerSecondSeen).toBe(4);
    const snapshot = sim.stats();
    snapshot.controlFramesByMethod['SUBSCRIBE'] = 99;
    expect(sim.stats().controlFramesByMethod['SUBSCRIBE']).toBe(1);
  });

  it('reports the union of subscribed streams with connection counts, open connections and attempts', async () => {
    const sim = await start({ tradesPerSecond: 0 });
    const a = await connect('/stream?streams=btcusdt@trade/ethusdt@ticker');
    await connect('/ws/btcusdt@trade');
    await expect(connect('/nope')).rejects.toThrow('404');
    sim.faults.refuseConnections(true);
    await expect(connect('/ws')).rejects.toThrow();
    sim.faults.refuseConnections(false);
    subscribe(a, ['solusdt@kline_1m'], 1);
    await a.next((t) => t.startsWith('{"result"'));
    expect(sim.subscriptions()).toEqual({
      'btcusdt@trade': 2,
      'ethusdt@ticker': 1,
      'solusdt@kline_1m': 1,
    });
    expect((await httpGet(`${sim.url}/_sim/subscriptions`)).json()).toEqual(sim.subscriptions());
    expect(sim.stats()).toMatchObject({ connectionsOpen: 2, wsConnections: 2, connectionAttemptsLast5m: 4 });
    a.close();
    await a.closed;
    await until(() => sim.stats().connectionsOpen === 1, 'the closed connection to be forgotten');
    expect(sim.subscriptions()).toEqual({ 'btcusdt@trade': 1 });
    expect(sim.stats().connectionsOpen).toBe(1);
  });
});
