/**
 * The Massive simulator's socket against the documented session flow (exchanges.md Part B 5.3-5.7),
 * driven with the frames the adapter builds.
 */
import { createMassiveAdapter, parseMassiveMessage } from '@tickwire/exchanges';
import { type Json, type TestClient } from '../test-support/ws-test-client';
import { useVenueFixture } from '../test-support/venue-fixture';
import { MASSIVE_POLICY_CLOSE_CODE, startMassiveSim, type MassiveSim, type MassiveSimOptions } from './index';

jest.setTimeout(10_000);

const { start, connect } = useVenueFixture(startMassiveSim, {
  tradesPerSecond: 40,
  batchIntervalMs: 50,
  aggregateWindowMs: 200,
} satisfies MassiveSimOptions);

const KEY = 'sim-key';

const isStatus = (status: string) => (m: Json) =>
  Array.isArray(m) && m.some((e: Json) => e.ev === 'status' && e.status === status);
const hasEvent = (ev: string) => (m: Json) => Array.isArray(m) && m.some((e: Json) => e.ev === ev);

async function session(
  sim: MassiveSim,
  feed: 'realtime' | 'delayed',
  tickers: string[],
): Promise<TestClient> {
  const adapter = createMassiveAdapter({ apiKey: KEY, feed });
  const client = await connect('/stocks');
  const streams = tickers.flatMap((t) => adapter.streamsFor(`MASSIVE:${t}`));
  const frames = [...(adapter.sessionFrames?.() ?? []), ...adapter.subscribeFrames(streams, () => 1)];
  for (const frame of frames) client.send(frame);
  void sim;
  return client;
}

describe('Massive session flow', () => {
  it('says connected, authenticates, and acks each subscribed item in one array', async () => {
    await start();
    const client = await connect('/stocks');
    expect(await client.nextJson()).toEqual([
      { ev: 'status', status: 'connected', message: 'Connected Successfully' },
    ]);
    client.send({ action: 'auth', params: KEY });
    expect(await client.nextJson()).toEqual([
      { ev: 'status', status: 'auth_success', message: 'authenticated' },
    ]);
    // ZZ is no prefix: silently dropped, no ack.
    client.send({ action: 'subscribe', params: 'T.AAPL, Q.AAPL,ZZ.AAPL,AM.AAPL' });
    expect(await client.nextJson(isStatus('success'))).toEqual(
      ['T.AAPL', 'Q.AAPL', 'AM.AAPL'].map((item) => ({
        ev: 'status',
        status: 'success',
        message: `subscribed to: ${item}`,
      })),
    );
  });

  it('streams arrays mixing T and Q that the adapter parses exactly, and AM bars of its window', async () => {
    const sim = await start();
    const client = await session(sim, 'realtime', ['AAPL', 'MSFT']);
    // Frames with an AM are left out here: this fixture's 200 ms bars are not the minute bars
    // the adapter accepts (it drops such a frame as malformed), only a way to see AM soon.
    const mixed = await client.next(
      (text) => text.includes('"ev":"T"') && text.includes('"ev":"Q"') && !text.includes('"ev":"AM"'),
    );
    const message = parseMassiveMessage(mixed, Date.now());
    expect(message.type).toBe('tickers');
    const withBar = (await client.nextJson(hasEvent('AM'), 3_000)) as Json[];
    const bar = withBar.find((e: Json) => e.ev === 'AM') as { s: number; e: number };
    expect(bar.e - bar.s).toBe(200);
    // Every price on the wire is a bare JSON number, read back as its exact text.
    const trade = sim.recentEvents({ symbol: 'AAPL' }).find((e) => e.stream === 'T.AAPL');
    const update = parseMassiveMessage(`[${trade!.json}]`, 0);
    expect(update.type === 'tickers' && update.updates[0]?.last).toBe(/"p":([0-9.]+)/.exec(trade!.json)?.[1]);
  });

  it('answers auth_required to a subscription before auth', async () => {
    await start();
    const client = await connect('/stocks');
    client.send({ action: 'subscribe', params: 'T.AAPL' });
    expect(parseMassiveMessage(await client.next(isStatusText('auth_required')), 0)).toMatchObject({
      type: 'error',
      code: 'MASSIVE_AUTH_REQUIRED',
    });
  });

  it('cuts a wrong key after auth_failed, without a close handshake', async () => {
    const sim = await start();
    const client = await connect('/stocks');
    client.send({ action: 'auth', params: 'wrong-key' });
    expect(parseMassiveMessage(await client.next(isStatusText('auth_failed')), 0)).toMatchObject({
      type: 'error',
      code: 'MASSIVE_AUTH_FAILED',
    });
    expect((await client.closed).code).toBe(1006);
    expect(sim.stats().authFailures).toBe(1);
  });

  it('refuses the free plan on the socket', async () => {
    await start({ plan: 'basic' });
    const client = await connect('/stocks');
    client.send({ action: 'auth', params: KEY });
    expect(await client.next(isStatusText('auth_failed'))).toContain("doesn't include websocket access");
  });

  it('closes a connection that does not authenticate in time with auth_timeout', async () => {
    await start({ authTimeoutMs: 100 });
    const client = await connect('/stocks');
    await client.next(isStatusText('auth_timeout'));
    expect((await client.closed).code).toBe(MASSIVE_POLICY_CLOSE_CODE);
  });

  it('closes the OLDER connection of a key with max_connections; the newcomer keeps streaming', async () => {
    const sim = await start();
    const older = await session(sim, 'realtime', ['AAPL']);
    await older.next(isStatusText('auth_success'));
    const newer = await session(sim, 'realtime', ['AAPL']);
    expect(parseMassiveMessage(await older.next(isStatusText('max_connections')), 0)).toMatchObject({
      type: 'error',
      code: 'MASSIVE_MAX_CONNECTIONS',
    });
    expect((await older.closed).code).toBe(MASSIVE_POLICY_CLOSE_CODE);
    await newer.next((text) => text.includes('"ev":"T"'));
    expect(newer.isOpen).toBe(true);
    expect(sim.stats().maxConnectionsClosed).toBe(1);
  });

  it('serves no quotes on the delayed host, and times 15 minutes late', async () => {
    const sim = await start({ feed: 'delayed' });
    const client = await connect('/stocks');
    client.send({ action: 'auth', params: KEY });
    client.send({ action: 'subscribe', params: 'T.AAPL,Q.AAPL' });
    expect(await client.nextJson(isStatus('success'))).toEqual([
      { ev: 'status', status: 'success', message: 'subscribed to: T.AAPL' },
    ]);
    const frame = (await client.nextJson(hasEvent('T'))) as { ev: string; t: number }[];
    expect(frame.every((e) => e.ev === 'T')).toBe(true);
    expect(Date.now() - frame[0]!.t).toBeGreaterThan(14 * 60_000);
    expect(sim.subscriptions()).toEqual({ 'T.AAPL': 1 });
  });

  it('refuses a delayed-only plan on the real-time host', async () => {
    await start({ plan: 'starter' });
    const client = await connect('/stocks');
    client.send({ action: 'auth', params: KEY });
    expect(await client.next(isStatusText('auth_failed'))).toContain('real-time');
  });

  it('sends slow_consumer and closes on the fault', async () => {
    const sim = await start();
    const client = await session(sim, 'realtime', ['AAPL']);
    await client.next(isStatusText('auth_success'));
    sim.faults.slowConsumer();
    expect(parseMassiveMessage(await client.next(isStatusText('slow_consumer')), 0)).toMatchObject({
      code: 'MASSIVE_SLOW_CONSUMER',
    });
    await client.closed;
  });

  it('keeps the socket open and silent while the market is closed', async () => {
    const sim = await start();
    const client = await session(sim, 'realtime', ['AAPL']);
    await client.next((text) => text.includes('"ev":"T"'));
    const closedAt = Date.now();
    sim.faults.setMarketOpen(false);
    // Trades made before the close may still come in their batch; none may be made after it.
    const frames = await client.collect(550);
    const tradeTimes = frames.flatMap((f) =>
      (JSON.parse(f) as { ev: string; t: number }[]).filter((e) => e.ev === 'T').map((e) => e.t),
    );
    expect(tradeTimes.filter((t) => t > closedAt)).toEqual([]);
    expect(client.isOpen).toBe(true);
    sim.faults.setMarketOpen(true);
    await client.next((text) => text.includes('"ev":"T"'));
  });
});

function isStatusText(status: string): (text: string) => boolean {
  return (text) => text.includes(`"status":"${status}"`);
}
