import { sleep, until } from '../test-support/ws-test-client';
import { useSimFixture } from '../test-support/sim-fixture';

const { start, connect } = useSimFixture({ tradesPerSecond: 0 });

describe('incoming message limit', () => {
  it('closes with 1008 "Too many requests" on the 6th control message within a second', async () => {
    const s = await start();
    const client = await connect('/ws');
    for (let id = 1; id <= 6; id++) client.send({ method: 'LIST_SUBSCRIPTIONS', id });
    expect(await client.closed).toEqual({ code: 1008, reason: 'Too many requests' });
    expect(client.frames).toHaveLength(5);
    expect(s.stats().closed1008).toBe(1);
  });

  it('counts ping and pong frames toward the limit', async () => {
    await start();
    const pinger = await connect('/ws');
    for (let i = 0; i < 6; i++) pinger.ws.ping();
    expect((await pinger.closed).code).toBe(1008);
    const ponger = await connect('/ws');
    for (let i = 0; i < 6; i++) ponger.ws.pong();
    expect((await ponger.closed).code).toBe(1008);
  });

  it('lets 5 messages per rolling second through indefinitely', async () => {
    await start();
    const client = await connect('/ws');
    for (let round = 1; round <= 2; round++) {
      for (let i = 0; i < 5; i++) client.send({ method: 'LIST_SUBSCRIPTIONS', id: round * 10 + i });
      // All five answered: the server received them no later than now (on its clock, which the
      // window runs on; a busy machine may deliver them well after they were sent).
      await until(
        () => client.frames.length === round * 5 || !client.isOpen,
        `round ${round} answered`,
        10_000,
      );
      if (round === 1) await sleep(1_050);
    }
    expect(client.isOpen).toBe(true);
    expect(client.frames).toHaveLength(10);
  });
});

describe('server pings', () => {
  it('pings with a timestamp payload and keeps a client that echoes it', async () => {
    // Server and client share this process: a deadline of 1 s leaves room for a stall of it.
    const s = await start({ pingIntervalMs: 250, pongTimeoutMs: 1_000 });
    const before = Date.now();
    const client = await connect('/ws');
    await sleep(2_000);
    expect(client.isOpen).toBe(true);
    expect(client.pings.length).toBeGreaterThanOrEqual(3);
    const first = Number(client.pings[0]);
    expect(first).toBeGreaterThanOrEqual(before);
    // The first ping's deadline has passed, and the connection is still open.
    expect(Date.now() - first).toBeGreaterThan(1_000);
    expect(s.stats().pongsReceived).toBeGreaterThanOrEqual(3);
    expect(s.stats().pingsSent).toBeGreaterThanOrEqual(3);
  });

  it('terminates a client that does not answer a ping within the pong deadline', async () => {
    await start({ pingIntervalMs: 100, pongTimeoutMs: 200 });
    const started = Date.now();
    const client = await connect('/ws', { autoPong: false });
    expect((await client.closed).code).toBe(1006);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(290);
    // Nothing else closes it this soon; the bound leaves room for a stalled process.
    expect(elapsed).toBeLessThan(5_000);
    expect(client.pings.length).toBeGreaterThanOrEqual(1);
  });

  it('does not count unsolicited pongs as an answer', async () => {
    await start({ pingIntervalMs: 100, pongTimeoutMs: 300, maxIncomingPerSecond: 100 });
    const client = await connect('/ws', { autoPong: false });
    const timer = setInterval(() => client.ws.pong('not-a-ping-payload'), 50);
    try {
      expect((await client.closed).code).toBe(1006);
    } finally {
      clearInterval(timer);
    }
  });
});

describe('connection age', () => {
  it('closes connections at maxConnectionAgeMs', async () => {
    await start({ maxConnectionAgeMs: 300 });
    const started = Date.now();
    const client = await connect('/ws');
    expect((await client.closed).code).toBe(1001);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  });

  it('sends a raw serverShutdown on /ws and a wrapped one on /stream before the cut', async () => {
    // A second between notice and cut: a stalled process could run both timers before a read.
    await start({ maxConnectionAgeMs: 1_300, shutdownNoticeMs: 1_000 });
    const raw = await connect('/ws');
    const combined = await connect('/stream');
    const rawNotice = await raw.nextJson();
    expect(Object.keys(rawNotice)).toEqual(['e', 'E']);
    expect(rawNotice.e).toBe('serverShutdown');
    const wrapped = await combined.nextJson();
    expect(wrapped).toEqual({
      stream: '!serverShutdown',
      data: { e: 'serverShutdown', E: expect.any(Number) },
    });
    expect(raw.isOpen).toBe(true);
    expect((await raw.closed).code).toBe(1001);
    expect((await combined.closed).code).toBe(1001);
  });
});
