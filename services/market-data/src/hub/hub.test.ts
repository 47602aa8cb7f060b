import { Registry } from 'prom-client';
import type { Candle, CandleInterval, Ticker } from '@tickwire/core';
import type { TickBatch } from '@tickwire/cluster';
import { createLogger } from '@tickwire/observability';
import { createPodMetrics } from '../metrics';
import { Hub, type HubOptions } from './hub';
import { fakeStream, type FakeStream } from '../testing/fake-sse-stream';

const ticker = (symbol: string, last: string): Ticker => ({
  exchange: 'binance',
  symbol,
  last,
  eventTime: 1,
  receiveTime: 1,
  source: 'ws',
});

let batchNumber = 0;
const batch = (...tickers: Ticker[]): TickBatch => ({ id: `${(batchNumber += 1)}-0`, tickers });

/** Every event in `text`: its id, its name, and the price when it is a tick. */
const events = (text: string) =>
  text
    .split('\n\n')
    .filter((block) => block.includes('event: '))
    .map((block) => {
      const field = (name: string) => new RegExp(`^${name}: (.*)$`, 'm').exec(block)?.[1];
      const event = field('event')!;
      const data = JSON.parse(field('data')!) as { last?: string };
      return { id: field('id') ?? undefined, event, last: event === 'tick' ? data.last : undefined };
    });

/** The `data:` lines of the tick events in `text`, parsed. */
const ticks = (text: string) =>
  [...text.matchAll(/event: tick\ndata: (.*)\n/g)].map(
    (m) => JSON.parse(m[1]!) as { symbol: string; last: string },
  );

function setup(options: Partial<HubOptions> = {}) {
  const registry = new Registry();
  const metrics = createPodMetrics(registry);
  const hub = new Hub({
    heartbeatMs: 60_000,
    maxClientBufferBytes: 1_000,
    stuckClientMs: 5_000,
    endGraceMs: 1_000,
    logger: createLogger({ level: 'silent', service: 'test' }),
    metrics,
    ...options,
  });
  const subscribe = (
    symbols: string[],
    throttleMs = 0,
    candleIntervals: CandleInterval[] = [],
  ): FakeStream & { client: ReturnType<Hub['subscribe']> } => {
    const stream = fakeStream();
    const client = hub.subscribe(stream.response, {
      symbols: new Set(symbols),
      throttleMs,
      candleIntervals: new Set(candleIntervals),
    });
    return Object.assign(stream, { client });
  };
  const counter = async (name: string) =>
    (await registry.getSingleMetric(name)!.get()).values.reduce((sum, v) => sum + v.value, 0);
  return { hub, subscribe, counter };
}

describe('Hub', () => {
  afterEach(() => jest.useRealTimers());

  it('sends a candle close, without an id, only to clients that asked for its symbol and interval', () => {
    const { hub, subscribe } = setup();
    const candle: Candle = {
      symbol: 'BTCUSDT',
      interval: '1m',
      openTime: 60_000,
      closeTime: 119_999,
      open: '1.00000000',
      high: '2.00000000',
      low: '0.50000000',
      close: '1.50000000',
      volume: '3.00000000',
      ticks: 4,
    };
    const asked = subscribe(['BTCUSDT'], 0, ['1m', '1h']);
    const otherInterval = subscribe(['BTCUSDT'], 0, ['1h']);
    const otherSymbol = subscribe(['ETHUSDT'], 0, ['1m']);
    const ticksOnly = subscribe(['BTCUSDT']);
    hub.applyBatch(batch(ticker('BTCUSDT', '1.0')));
    hub.broadcastCandle(candle);
    hub.flushNow();
    expect(events(asked.text()).map(({ id, event }) => ({ id, event }))).toEqual([
      { id: expect.any(String), event: 'tick' },
      { id: undefined, event: 'candle' },
    ]);
    expect(asked.text()).toContain(`event: candle\ndata: ${JSON.stringify(candle)}\n`);
    for (const stream of [otherInterval, ticksOnly])
      expect(events(stream.text()).map((e) => e.event)).toEqual(['tick']);
    expect(otherSymbol.writes).toHaveLength(0);
  });

  it('encodes a tick once and writes the very same buffer to every subscriber of the symbol', () => {
    const { hub, subscribe } = setup();
    const a = subscribe(['BTCUSDT']);
    const b = subscribe(['BTCUSDT']);
    const other = subscribe(['ETHUSDT']);
    hub.applyBatch(batch(ticker('BTCUSDT', '1.0')));
    hub.flushNow();
    expect(a.writes).toHaveLength(1);
    expect(b.writes[0]).toBe(a.writes[0]);
    expect(ticks(a.text())).toEqual([expect.objectContaining({ symbol: 'BTCUSDT', last: '1.0' })]);
    expect(other.writes).toHaveLength(0);
  });

  it('splits a large subscription into groups, and every member still gets every tick, encoded once', () => {
    const { hub, subscribe } = setup({ maxGroupMembers: 2 });
    const clients = [1, 2, 3, 4, 5].map(() => subscribe(['BTCUSDT']));
    expect(new Set(clients.map((c) => c.client.group)).size).toBe(3);
    hub.applyBatch(batch(ticker('BTCUSDT', '1.0')));
    hub.flushNow();
    for (const c of clients) expect(c.writes[0]).toBe(clients[0]!.writes[0]);
    // A member that leaves makes room: the next subscriber joins its group, no fourth group.
    hub.remove(clients[2]!.client);
    expect(subscribe(['BTCUSDT']).client.group).toBe(clients[2]!.client.group);
  });

  it('coalesces the batches that arrive between flushes into one write per client, every tick kept', () => {
    const { hub, subscribe } = setup();
    const client = subscribe(['BTCUSDT', 'ETHUSDT']);
    hub.applyBatch(batch(ticker('BTCUSDT', '1.0')));
    hub.applyBatch(batch(ticker('ETHUSDT', '2.0')));
    hub.applyBatch(batch(ticker('BTCUSDT', '1.1')));
    hub.flushNow();
    expect(client.writes).toHaveLength(1);
    expect(ticks(client.text()).map((t) => t.last)).toEqual(['1.0', '2.0', '1.1']);
  });

  it('does not send a client a batch that was applied before it subscribed (its snapshot has it)', () => {
    const { hub, subscribe } = setup();
    const early = subscribe(['BTCUSDT']);
    hub.applyBatch(batch(ticker('BTCUSDT', '1.0')));
    const late = subscribe(['BTCUSDT']);
    hub.applyBatch(batch(ticker('BTCUSDT', '1.1')));
    hub.flushNow();
    expect(ticks(early.text()).map((t) => t.last)).toEqual(['1.0', '1.1']);
    expect(ticks(late.text()).map((t) => t.last)).toEqual(['1.1']);
  });

  it('keeps only the latest tick per symbol for a backed-up client and sends them in id order once it drains', async () => {
    const { hub, subscribe, counter } = setup();
    const slow = subscribe(['BTCUSDT', 'ETHUSDT']);
    const fast = subscribe(['BTCUSDT', 'ETHUSDT']);
    slow.unsentBytes = 5_000;
    for (let n = 1; n <= 3; n += 1) {
      hub.applyBatch(batch(ticker('BTCUSDT', `1.${n}`)));
      hub.applyBatch(batch(ticker('ETHUSDT', `2.${n}`)));
      hub.flushNow();
    }
    expect(slow.writes).toHaveLength(0);
    expect(slow.client.stuckSince).toBeDefined();
    expect(ticks(fast.text())).toHaveLength(6);
    slow.drain();
    expect(slow.client.stuckSince).toBeUndefined();
    expect(slow.writes).toHaveLength(1);
    expect(ticks(slow.text()).map((t) => t.last)).toEqual(['1.3', '2.3']);
    expect(await counter('tickwire_sse_conflated_events_total')).toBe(4);
  });

  it('cuts a client that stays backed up past stuckClientMs, with a final status event, and counts it', async () => {
    jest.useFakeTimers();
    const { hub, subscribe, counter } = setup({ stuckClientMs: 3_000 });
    await hub.start();
    try {
      const stuck = subscribe(['BTCUSDT']);
      const reading = subscribe(['BTCUSDT']);
      stuck.unsentBytes = 5_000;
      hub.applyBatch(batch(ticker('BTCUSDT', '1.0')));
      hub.flushNow();
      jest.advanceTimersByTime(2_000);
      expect(hub.clientCount()).toBe(2);
      jest.advanceTimersByTime(2_000);
      expect(hub.clientCount()).toBe(1);
      expect(stuck.text()).toContain(
        'event: status\ndata: {"state":"disconnected","reason":"slow-consumer"}',
      );
      expect(stuck.ended).toBe(true);
      expect(reading.ended).toBe(false);
      expect(await counter('tickwire_sse_slow_client_disconnects_total')).toBe(1);
      // Still unread after the grace period: the connection is destroyed.
      jest.advanceTimersByTime(2_000);
      expect(stuck.destroyed).toBe(true);
    } finally {
      await hub.stop();
    }
  });

  it('sends a throttled client the latest value per symbol at most once per period', async () => {
    jest.useFakeTimers();
    const { hub, subscribe } = setup();
    await hub.start();
    try {
      const throttled = subscribe(['BTCUSDT'], 1_000);
      for (let n = 1; n <= 5; n += 1) {
        hub.applyBatch(batch(ticker('BTCUSDT', `1.${n}`)));
        jest.advanceTimersByTime(100);
      }
      // The first tick goes at once; the next flush waits out the period and carries only the latest.
      expect(ticks(throttled.text()).map((t) => t.last)).toEqual(['1.1']);
      jest.advanceTimersByTime(1_000);
      expect(ticks(throttled.text()).map((t) => t.last)).toEqual(['1.1', '1.5']);
    } finally {
      await hub.stop();
    }
  });

  it('sends heartbeats only to clients that have been silent', async () => {
    jest.useFakeTimers();
    const { hub, subscribe } = setup({ heartbeatMs: 1_000 });
    await hub.start();
    try {
      const busy = subscribe(['BTCUSDT']);
      const idle = subscribe(['ETHUSDT']);
      for (let t = 0; t < 10; t += 1) {
        hub.applyBatch(batch(ticker('BTCUSDT', `1.${t}`)));
        jest.advanceTimersByTime(100);
      }
      expect(idle.text()).toContain(':hb\n\n');
      expect(busy.text()).not.toContain(':hb');
    } finally {
      await hub.stop();
    }
  });

  it('writes at most `writesPerSlice` clients before yielding to the event loop', () => {
    jest.useFakeTimers();
    const { hub, subscribe } = setup({ writesPerSlice: 2 });
    const clients = [1, 2, 3, 4, 5].map(() => subscribe(['BTCUSDT']));
    hub.applyBatch(batch(ticker('BTCUSDT', '1.0')));
    const written = () => clients.filter((c) => c.writes.length > 0).length;
    expect(written()).toBe(0);
    // Each slice is one setImmediate callback.
    jest.advanceTimersToNextTimer();
    expect(written()).toBe(2);
    jest.advanceTimersToNextTimer();
    expect(written()).toBe(4);
    jest.advanceTimersToNextTimer();
    expect(written()).toBe(5);
    void hub.stop();
  });

  it('holds events while a client is paused and drops those its replay already sent', () => {
    const { hub, subscribe } = setup();
    const client = subscribe(['BTCUSDT']);
    client.client.pause();
    hub.applyBatch({ id: '10-0', tickers: [ticker('BTCUSDT', '1.0')] });
    hub.applyBatch({ id: '11-0', tickers: [ticker('BTCUSDT', '1.1')] });
    hub.flushNow();
    expect(client.writes).toHaveLength(0);
    client.client.resume('10-0');
    expect(ticks(client.text()).map((t) => t.last)).toEqual(['1.1']);
  });

  it('gives every tick of a batch its own id, in stream order, the latest of a symbol standing for it', () => {
    const { hub, subscribe } = setup();
    const both = subscribe(['BTCUSDT', 'ETHUSDT']);
    const eth = subscribe(['ETHUSDT']);
    hub.applyBatch({
      id: '7-0',
      tickers: [ticker('BTCUSDT', '1.0'), ticker('ETHUSDT', '2.0'), ticker('BTCUSDT', '1.1')],
    });
    hub.flushNow();
    expect(events(both.text())).toEqual([
      { id: '7-0.1', event: 'tick', last: '2.0' },
      { id: '7-0.2', event: 'tick', last: '1.1' },
    ]);
    expect(events(eth.text())).toEqual([{ id: '7-0.1', event: 'tick', last: '2.0' }]);
  });

  it('sends ticks of a resync from the table without ids: they have no position to resume from', () => {
    const { hub, subscribe } = setup();
    const client = subscribe(['BTCUSDT']);
    hub.applyBatch({ id: '8-0', tickers: [ticker('BTCUSDT', '1.0')], resync: true });
    hub.flushNow();
    expect(events(client.text())).toEqual([{ id: undefined, event: 'tick', last: '1.0' }]);
  });

  it('gives status events the position of the last batch, but not the final status of a stream', async () => {
    const { hub, subscribe } = setup();
    const client = subscribe(['BTCUSDT']);
    hub.broadcastStatus({ state: 'live' });
    hub.applyBatch({ id: '9-0', tickers: [ticker('ETHUSDT', '2.0'), ticker('BTCUSDT', '1.0')] });
    hub.broadcastStatus({ state: 'degraded' });
    await hub.stop();
    expect(events(client.text())).toEqual([
      { id: undefined, event: 'status', last: undefined },
      { id: '9-0.1', event: 'tick', last: '1.0' },
      { id: '9-0', event: 'status', last: undefined },
      { id: undefined, event: 'status', last: undefined },
    ]);
  });

  it('takes the position of a loaded snapshot for status events, until a batch moves it on', () => {
    const { hub, subscribe } = setup();
    hub.load({ id: '3-0', tickers: [ticker('BTCUSDT', '1.0')] });
    expect(hub.position()).toBe('3-0');
    const client = subscribe(['BTCUSDT']);
    hub.broadcastStatus({ state: 'live' });
    hub.applyBatch({ id: '4-0', tickers: [ticker('BTCUSDT', '1.1')] });
    hub.broadcastStatus({ state: 'degraded' });
    hub.flushNow();
    expect(events(client.text()).map((e) => e.id)).toEqual(['3-0', '4-0.0', '4-0']);
    expect(hub.ticker('BTCUSDT')?.last).toBe('1.1');
  });

  it('replays every missed event to a client, and only the latest per symbol to a throttled one', () => {
    const { hub, subscribe } = setup();
    const live = subscribe(['BTCUSDT', 'ETHUSDT']);
    const throttled = subscribe(['BTCUSDT', 'ETHUSDT'], 1_000);
    const missed: TickBatch[] = [
      {
        id: '5-0',
        tickers: [ticker('SOLUSDT', '3.0'), ticker('BTCUSDT', '1.1'), ticker('ETHUSDT', '2.1')],
        firstIndex: 1,
      },
      { id: '6-0', tickers: [ticker('BTCUSDT', '1.2')] },
    ];
    const text = (client: typeof live) => hub.replayFrame(missed, client.client)!.identity.toString();
    expect(events(text(live))).toEqual([
      { id: '5-0.2', event: 'tick', last: '1.1' },
      { id: '5-0.3', event: 'tick', last: '2.1' },
      { id: '6-0.0', event: 'tick', last: '1.2' },
    ]);
    expect(events(text(throttled))).toEqual([
      { id: '5-0.3', event: 'tick', last: '2.1' },
      { id: '6-0.0', event: 'tick', last: '1.2' },
    ]);
    expect(hub.replayFrame(missed, subscribe(['XRPUSDT']).client)).toBeUndefined();
  });

  it('skips the live ticks of a batch up to the event a resumed client had, and sends the rest', () => {
    const { hub, subscribe } = setup();
    const client = subscribe(['BTCUSDT', 'ETHUSDT', 'SOLUSDT']);
    client.client.pause();
    // The replay found nothing after 12-0.0 in the stream: this pod's hub had not applied 12-0 yet.
    client.client.resume('12-0.0');
    hub.applyBatch({
      id: '12-0',
      tickers: [ticker('BTCUSDT', '1.0'), ticker('ETHUSDT', '2.0'), ticker('SOLUSDT', '3.0')],
    });
    hub.flushNow();
    expect(events(client.text()).map((e) => e.id)).toEqual(['12-0.1', '12-0.2']);
  });

  it('ends every stream with a closing status when it stops', async () => {
    const { hub, subscribe } = setup();
    const client = subscribe(['BTCUSDT']);
    hub.applyBatch(batch(ticker('BTCUSDT', '1.0')));
    await hub.stop();
    expect(ticks(client.text())).toHaveLength(1);
    expect(client.text()).toContain('"state":"closing"');
    expect(client.ended).toBe(true);
    expect(hub.clientCount()).toBe(0);
  });
});
