import {
  CoinbaseHeartbeatGapDetector,
  createCoinbaseAdapter,
  type HeartbeatMessage,
} from '@tickwire/exchanges';
import { sleep, until, withTimeout, type Json, type TestClient } from '../test-support/ws-test-client';
import { useVenueFixture } from '../test-support/venue-fixture';
import { COINBASE_RATE_LIMIT_CLOSE_CODE, startCoinbaseSim, type CoinbaseSimOptions } from './index';

jest.setTimeout(10_000);

const { start, connect, connectUrl } = useVenueFixture(startCoinbaseSim, {
  tradesPerSecond: 30,
  heartbeatIntervalMs: 100,
} satisfies CoinbaseSimOptions);

const isAck = (m: Json): boolean => m.type === 'subscriptions';

interface Ack {
  channels: Array<{ name: string; product_ids: string[] }>;
}
interface Heartbeat {
  type: string;
  sequence: number;
  last_trade_id: number;
  product_id: string;
  time: string;
}
const isError = (m: Json): boolean => m.type === 'error';

function send(client: TestClient, message: object): void {
  client.send(message);
}

describe('Coinbase subscribe deadline', () => {
  it('cuts a connection that has not subscribed within subscribeDeadlineMs', async () => {
    // Long enough that a stalled process cannot run the deadline before reading the subscribe.
    const sim = await start({ subscribeDeadlineMs: 1_000 });
    const opened = Date.now();
    const idle = await connect('/');
    const subscribed = await connect('/');
    send(subscribed, { type: 'subscribe', product_ids: ['BTC-USD'], channels: ['heartbeat'] });
    expect((await idle.closed).code).toBe(1006);
    expect(Date.now() - opened).toBeGreaterThanOrEqual(990);
    await sleep(150);
    expect(subscribed.isOpen).toBe(true);
    expect(sim.stats().closesByReason).toEqual({ 'subscribe-deadline': 1 });
  });

  it('does not count a failed subscribe as subscribing', async () => {
    await start({ subscribeDeadlineMs: 200 });
    const client = await connect('/');
    send(client, { type: 'subscribe', product_ids: ['NOPE-USD'], channels: ['ticker'] });
    await client.nextJson(isError);
    expect((await client.closed).code).toBe(1006);
  });
});

describe('Coinbase subscriptions', () => {
  it('answers every subscribe and unsubscribe with the cumulative state, products in another order', async () => {
    const sim = await start({ tradesPerSecond: 0, products: ['BTC-USD', 'ETH-USD', 'SOL-USD', 'ETH-BTC'] });
    const client = await connect('/');
    const requested = ['BTC-USD', 'ETH-USD', 'SOL-USD', 'ETH-BTC'];
    send(client, { type: 'subscribe', product_ids: requested, channels: ['ticker'] });
    const first = await client.nextJson(isAck);
    expect(first.channels).toHaveLength(1);
    expect(first.channels[0].name).toBe('ticker');
    expect([...first.channels[0].product_ids].sort()).toEqual([...requested].sort());
    expect(first.channels[0].product_ids).not.toEqual(requested);

    // The object form: its own products plus the top-level ones.
    send(client, {
      type: 'subscribe',
      product_ids: ['ETH-USD'],
      channels: [{ name: 'heartbeat', product_ids: ['BTC-USD'] }],
    });
    const second: Ack = await client.nextJson(isAck);
    const byName = Object.fromEntries(second.channels.map((c) => [c.name, [...c.product_ids].sort()]));
    expect(byName).toEqual({ ticker: [...requested].sort(), heartbeat: ['BTC-USD', 'ETH-USD'] });

    send(client, { type: 'unsubscribe', product_ids: ['SOL-USD'], channels: ['ticker'] });
    send(client, { type: 'unsubscribe', channels: ['heartbeat'] });
    await client.nextJson(isAck);
    const last: Ack = await client.nextJson(isAck);
    expect(last.channels.map((c) => c.name)).toEqual(['ticker']);
    expect([...(last.channels[0]?.product_ids ?? [])].sort()).toEqual(['BTC-USD', 'ETH-BTC', 'ETH-USD']);
    expect(sim.subscriptions()).toEqual({ 'ticker:BTC-USD': 1, 'ticker:ETH-BTC': 1, 'ticker:ETH-USD': 1 });
    expect(sim.stats()).toMatchObject({ subscribes: 2, unsubscribes: 2, acksSent: 4, subscriptions: 3 });
  });

  it('refuses unknown products, channels without products and unknown channels; reports malformed JSON', async () => {
    const sim = await start();
    const client = await connect('/');
    const errorOf = async (message: object | string): Promise<Json> => {
      client.send(message);
      return client.nextJson(isError);
    };
    expect(
      await errorOf({ type: 'subscribe', product_ids: ['GIBBERISH-USD'], channels: ['ticker'] }),
    ).toEqual({
      type: 'error',
      message: 'Failed to subscribe',
      reason: 'GIBBERISH-USD is not a valid product',
    });
    expect(await errorOf({ type: 'subscribe', channels: ['heartbeat'] })).toEqual({
      type: 'error',
      message: 'Failed to subscribe',
      reason: 'You need to specify at least one product ID for channel heartbeat',
    });
    expect(
      await errorOf({ type: 'subscribe', product_ids: ['BTC-USD'], channels: ['level3'] }),
    ).toMatchObject({
      message: 'Failed to subscribe',
      reason: 'level3 is not a valid channel',
    });
    expect(await errorOf('{"type":"subscribe",')).toEqual({ type: 'error', message: 'Malformed JSON' });
    expect(client.frames.some((t) => t.includes('"subscriptions"'))).toBe(false);
    expect(sim.stats()).toMatchObject({ errorsSent: 4, subscribes: 0, subscriptions: 0 });
  });

  it('closes with 1008 a client that sends more than maxClientMessagesPerSecond messages', async () => {
    const sim = await start({ tradesPerSecond: 0 });
    const client = await connect('/');
    for (let i = 0; i < 101; i++) send(client, { type: 'unsubscribe', channels: ['ticker'] });
    expect((await client.closed).code).toBe(COINBASE_RATE_LIMIT_CLOSE_CODE);
    expect(client.frames.filter((t) => t.includes('"subscriptions"'))).toHaveLength(100);
    // The simulator counts a close when its side of the socket has closed, which may be later.
    await until(() => sim.stats().wsConnections === 0, 'the simulator to see the close');
    expect(sim.stats()).toMatchObject({ closed1008: 1, closesByReason: { 'rate-limit': 1 } });
  });
});

describe('Coinbase channels', () => {
  it('replays the last ticker first (its old time), then tickers with consecutive trade ids and sequence gaps', async () => {
    const sim = await start({ tradesPerSecond: 50, maxInitialTickerAgeMs: 20_000 });
    // A trade before the subscription, so the ticker replayed is one the simulator logged.
    let stopListening = (): void => {};
    await withTimeout(
      new Promise<void>((resolve) => {
        stopListening = sim.onEvent((e) => e.stream === 'ticker:ETH-USD' && resolve());
      }),
      2_000,
      'a first ETH-USD ticker',
    ).finally(() => stopListening());
    const client = await connect('/');
    send(client, { type: 'subscribe', product_ids: ['ETH-USD'], channels: ['ticker'] });
    await client.nextJson(isAck);
    const tickers: Json[] = [await client.nextJson((m) => m.type === 'ticker')];
    while (tickers.length < 25) tickers.push(await client.nextJson((m) => m.type === 'ticker'));
    const replay = tickers[0];
    const live = tickers.slice(1);
    // The replay is the ticker generated just before the first live one, sent as it was then
    // (its own time and sequence), not a fresh one stamped at the subscription.
    const generated = sim.recentEvents({ stream: 'ticker:ETH-USD' }).map((e) => e.json);
    const firstLive = generated.indexOf(JSON.stringify(live[0]));
    expect(firstLive).toBeGreaterThan(0);
    expect(generated[firstLive - 1]).toBe(JSON.stringify(replay));
    expect(Date.parse(replay.time)).toBeLessThanOrEqual(Date.parse(live[0].time));
    for (let i = 1; i < live.length; i++) {
      expect(live[i].trade_id).toBe(live[i - 1].trade_id + 1);
      expect(live[i].sequence).toBeGreaterThan(live[i - 1].sequence);
    }
    expect(live.some((t, i) => i > 0 && t.sequence - live[i - 1].sequence > 1)).toBe(true);
    for (const t of live) {
      expect(t.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      for (const key of [
        'price',
        'open_24h',
        'volume_24h',
        'low_24h',
        'high_24h',
        'volume_30d',
        'best_bid',
        'best_ask',
        'best_bid_size',
        'best_ask_size',
        'last_size',
      ]) {
        expect(t[key]).toMatch(/^\d+(\.\d+)?$/);
      }
      expect(['buy', 'sell']).toContain(t.side);
      expect(t.best_bid).toMatch(/^\d+\.\d{2}$/);
      expect(t.volume_24h).toMatch(/^\d+\.\d{8}$/);
    }
  });

  it('sends a heartbeat per product per interval, sequences increasing, last_trade_id 0', async () => {
    const sim = await start({ tradesPerSecond: 10 });
    const client = await connect('/');
    send(client, { type: 'subscribe', product_ids: ['BTC-USD', 'ETH-BTC'], channels: ['heartbeat'] });
    const heartbeats = (frames: string[]): Heartbeat[] =>
      frames.map((t) => JSON.parse(t) as Heartbeat).filter((m) => m.type === 'heartbeat');
    const threeEach = (frames: string[]): boolean =>
      ['BTC-USD', 'ETH-BTC'].every((p) => heartbeats(frames).filter((b) => b.product_id === p).length >= 3);
    const beats = heartbeats(await client.collectUntil(threeEach, 'three heartbeats per product'));
    for (const product of ['BTC-USD', 'ETH-BTC']) {
      const mine = beats.filter((b) => b.product_id === product);
      // One per interval (100 ms): a stall delays heartbeats, it never brings them closer.
      const times = mine.map((b) => Date.parse(b.time));
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(95);
      const sequences = mine.map((b) => b.sequence);
      expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
      expect(new Set(sequences).size).toBe(sequences.length);
      expect(mine.every((b) => b.last_trade_id === 0 && /\.\d{6}Z$/.test(b.time))).toBe(true);
    }
    expect(Object.keys(beats[0] ?? {})).toEqual(['type', 'sequence', 'last_trade_id', 'product_id', 'time']);
    expect(sim.recentEvents({ symbol: 'BTC-USD' }).some((e) => e.stream === 'heartbeat:BTC-USD')).toBe(true);
  });

  it('sends matches with the maker side, after a last_match replay', async () => {
    await start();
    const client = await connect('/');
    send(client, { type: 'subscribe', product_ids: ['BTC-USD'], channels: ['matches', 'ticker'] });
    expect((await client.nextJson((m) => m.type === 'last_match' || m.type === 'match')).type).toBe(
      'last_match',
    );
    const match = await client.nextJson((m) => m.type === 'match');
    const ticker = await client.nextJson((m) => m.type === 'ticker' && m.trade_id === match.trade_id);
    expect(ticker.sequence).toBe(match.sequence);
    expect(match.side).not.toBe(ticker.side);
    expect(match.maker_order_id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});

describe('the Coinbase adapter against the simulator', () => {
  it('subscribes with its own frames and parses the ack, tickers, heartbeats and errors', async () => {
    const sim = await start();
    const adapter = createCoinbaseAdapter();
    const client = await connectUrl(adapter.connectUrl(sim.wsUrl, []));
    const streams = ['COINBASE:BTC-USD', 'COINBASE:ETH-USD'].flatMap((s) => adapter.streamsFor(s));
    for (const frame of adapter.openFrames?.(streams, () => 1) ?? []) client.send(frame);

    const ack = adapter.parse(await client.next((t) => t.includes('"subscriptions"')), Date.now());
    expect(ack.type).toBe('ack');
    if (ack.type === 'ack') expect([...(ack.streams ?? [])].sort()).toEqual([...streams].sort());

    const text = await client.next((t) => t.includes('"type":"ticker"'));
    const ticker = adapter.parse(text, Date.now());
    const raw: Json = JSON.parse(text);
    expect(ticker).toMatchObject({
      type: 'tickers',
      updates: [
        {
          exchange: 'coinbase',
          symbol: `COINBASE:${raw.product_id}`,
          last: raw.price,
          bid: raw.best_bid,
          ask: raw.best_ask,
          bidQty: raw.best_bid_size,
          baseVolume: raw.volume_24h,
          eventTime: Math.floor(Date.parse(raw.time)),
        },
      ],
    });

    const detector = new CoinbaseHeartbeatGapDetector();
    for (let i = 0; i < 4; i++) {
      const beat = adapter.parse(await client.next((t) => t.includes('"heartbeat"')), Date.now());
      expect(beat).toMatchObject({ type: 'heartbeat', sequence: expect.any(Number) });
      expect(detector.observe(beat as HeartbeatMessage)).toBeUndefined();
    }

    client.send({ type: 'subscribe', product_ids: ['NOPE-USD'], channels: ['ticker'] });
    const error = adapter.parse(await client.next((t) => t.includes('"error"')), Date.now());
    expect(error).toMatchObject({ type: 'error', code: 'COINBASE_SUBSCRIBE_FAILED' });
  });
});
