import { createFinnhubAdapter } from '@tickwire/exchanges';
import { sleep, until, type Json, type TestClient } from '../test-support/ws-test-client';
import { useVenueFixture } from '../test-support/venue-fixture';
import {
  FINNHUB_DUPLICATE_CLOSE_CODE,
  FINNHUB_PING_FRAME,
  FINNHUB_TOO_MANY_SYMBOLS_FRAME,
  startFinnhubSim,
  type FinnhubSimOptions,
} from './index';

jest.setTimeout(10_000);

const { start, connect, connectUrl } = useVenueFixture(startFinnhubSim, {
  tradesPerSecond: 40,
  batchIntervalMs: 50,
  pingIntervalMs: 60_000,
} satisfies FinnhubSimOptions);

const TOKEN = 'sim-key';

function subscribe(client: TestClient, symbol: string): void {
  client.send({ type: 'subscribe', symbol });
}

const isTradeFrame = (m: Json): boolean => m.type === 'trade';

interface TradeElement {
  c?: string[] | null;
  p: number;
  s: string;
  t: number;
  v: number;
}

function tradesOf(frame: string): TradeElement[] {
  return (JSON.parse(frame) as { data: TradeElement[] }).data;
}

describe('Finnhub handshake', () => {
  it('refuses a missing or unknown token with HTTP 401 and counts it', async () => {
    const sim = await start();
    await expect(connect('/')).rejects.toThrow('handshake status 401');
    await expect(connect('/?token=wrong')).rejects.toThrow('handshake status 401');
    await expect(connect('/stream?token=sim-key')).rejects.toThrow('handshake status 404');
    expect(sim.stats().rejectedHandshakes).toBe(3);
    expect(sim.stats().wsConnections).toBe(0);
  });

  it('accepts the key on / and on the bare host form (?token= with no path)', async () => {
    const sim = await start({ apiKeys: ['k1', 'k2'] });
    const a = await connect('/?token=k1');
    // `wss://ws.finnhub.io?token=` reaches the server as the request target `/?token=`.
    const b = await connectUrl(`${sim.wsUrl}?token=k2`);
    expect(a.isOpen && b.isOpen).toBe(true);
    expect(sim.stats().wsConnections).toBe(2);
  });
});

describe('one connection per API key', () => {
  it("closes both connections when a second one opens with the same key (default 'close-both')", async () => {
    const sim = await start();
    const first = await connect(`/?token=${TOKEN}`);
    const second = await connect(`/?token=${TOKEN}`);
    expect((await first.closed).code).toBe(FINNHUB_DUPLICATE_CLOSE_CODE);
    expect((await second.closed).code).toBe(FINNHUB_DUPLICATE_CLOSE_CODE);
    // The simulator counts a close when its side of the socket has closed, which may be later.
    await until(() => sim.stats().wsConnections === 0, 'the simulator to see both closes');
    expect(sim.stats().closesByReason).toEqual({ 'duplicate-token': 2 });
    // The key is free again.
    const third = await connect(`/?token=${TOKEN}`);
    await sleep(50);
    expect(third.isOpen).toBe(true);
  });

  it("closes only the older connection in 'close-first' mode", async () => {
    await start({ duplicateConnectionMode: 'close-first', apiKeys: [TOKEN, 'other'] });
    const first = await connect(`/?token=${TOKEN}`);
    const unrelated = await connect('/?token=other');
    const second = await connect(`/?token=${TOKEN}`);
    expect((await first.closed).code).toBe(FINNHUB_DUPLICATE_CLOSE_CODE);
    subscribe(second, 'AAPL');
    expect((await second.nextJson(isTradeFrame)).data.length).toBeGreaterThan(0);
    expect(unrelated.isOpen).toBe(true);
  });
});

describe('Finnhub subscriptions and trade frames', () => {
  it('never acknowledges, and batches several symbols per frame with data before type', async () => {
    const sim = await start({ forexSymbols: ['OANDA:EUR_USD', 'IC MARKETS:1'] });
    const client = await connect(`/?token=${TOKEN}`);
    for (const symbol of ['AAPL', 'BINANCE:BTCUSDT', 'IC MARKETS:1', 'OANDA:EUR_USD', 'NOPE']) {
      subscribe(client, symbol);
    }
    const isTrade = (t: string): boolean => t.includes('"type":"trade"');
    const frames = (
      await client.collectUntil((fs) => fs.filter(isTrade).length > 3, 'four trade frames', 600)
    ).filter(isTrade);
    expect(client.frames.every((t) => t.startsWith('{"data":['))).toBe(true);
    expect(frames.length).toBeGreaterThan(3);
    const trades = frames.flatMap(tradesOf);
    const symbols = new Set(trades.map((t) => t.s));
    // NOPE is not simulated: accepted silently, never delivered.
    expect(symbols).toEqual(new Set(['AAPL', 'BINANCE:BTCUSDT', 'OANDA:EUR_USD', 'IC MARKETS:1']));
    expect(frames.some((t) => new Set(tradesOf(t).map((d) => d.s)).size > 1)).toBe(true);
    for (const trade of trades) {
      expect(typeof trade.p).toBe('number');
      expect(typeof trade.v).toBe('number');
      expect(trade.t).toBeGreaterThan(1_600_000_000_000);
    }
    // c: arrays of strings on stocks, null or absent on crypto, absent on FX (price updates, v 0).
    const stock = trades.filter((t) => t.s === 'AAPL');
    expect(stock.every((t) => Array.isArray(t.c) && t.c.every((c) => typeof c === 'string'))).toBe(true);
    const crypto = trades.filter((t) => t.s === 'BINANCE:BTCUSDT');
    expect(crypto.some((t) => t.c === null) && crypto.some((t) => !('c' in t))).toBe(true);
    const fx = trades.filter((t) => t.s === 'OANDA:EUR_USD' || t.s === 'IC MARKETS:1');
    expect(fx.every((t) => t.v === 0 && !('c' in t))).toBe(true);
    // Whole-share volumes are written without a decimal point.
    expect(frames.some((t) => /"s":"AAPL","t":\d+,"v":\d+}/.test(t))).toBe(true);
    expect(sim.subscriptions()).toEqual({
      AAPL: 1,
      'BINANCE:BTCUSDT': 1,
      'IC MARKETS:1': 1,
      NOPE: 1,
      'OANDA:EUR_USD': 1,
    });
    expect(sim.stats()).toMatchObject({ subscribes: 5, subscriptions: 5, errorsSent: 0 });
  });

  it('sends exactly the generated trade elements, in order, within the batch frames', async () => {
    const sim = await start();
    const client = await connect(`/?token=${TOKEN}`);
    subscribe(client, 'MSFT');
    await client.nextJson(isTradeFrame);
    const isTrade = (t: string): boolean => t.includes('"type":"trade"');
    const received = (await client.collectUntil((fs) => fs.filter(isTrade).length > 3, 'four trade frames'))
      .filter((t) => t.includes('"type":"trade"'))
      .flatMap((t) => tradesOf(t).map((d) => JSON.stringify(d)));
    const generated = sim.recentEvents({ symbol: 'MSFT' }).map((e) => e.json);
    expect(received.length).toBeGreaterThan(3);
    const at = generated.indexOf(received[0] ?? '');
    expect(generated.slice(at, at + received.length)).toEqual(received);
  });

  it('answers the 51st symbol with the error frame and keeps it silent; unsubscribing frees a slot', async () => {
    const sim = await start();
    const client = await connect(`/?token=${TOKEN}`);
    subscribe(client, 'AAPL');
    // Unknown symbols are accepted silently and take a slot.
    for (let i = 1; i < 50; i++) subscribe(client, `NOPE${i}`);
    subscribe(client, 'MSFT');
    expect(await client.next((t) => t.includes('"error"'))).toBe(FINNHUB_TOO_MANY_SYMBOLS_FRAME);
    const during = (
      await client.collectUntil((fs) => fs.some((t) => t.includes('"s":"AAPL"')), 'an AAPL trade', 400)
    )
      .filter((t) => t.includes('"type":"trade"'))
      .join('');
    expect(during).toContain('"s":"AAPL"');
    expect(during).not.toContain('"s":"MSFT"');
    expect(sim.stats()).toMatchObject({ subscriptions: 50, subscribesOverLimit: 1, errorsSent: 1 });

    client.send({ type: 'unsubscribe', symbol: 'NOPE7' });
    subscribe(client, 'MSFT');
    await client.next((t) => t.includes('"s":"MSFT"'));
    expect(client.frames.filter((t) => t.includes('"error"'))).toHaveLength(1);
  });

  it('ignores malformed client frames without answering', async () => {
    const sim = await start({ tradesPerSecond: 0 });
    const client = await connect(`/?token=${TOKEN}`);
    for (const frame of ['not json', '[]', '{"type":"subscribe"}', '{"type":"hello","symbol":"AAPL"}', ''])
      client.send(frame);
    expect(await client.collect(200)).toEqual([]);
    expect(client.isOpen).toBe(true);
    // Nothing answers these frames, so only the counter shows the simulator has read them.
    await until(() => sim.stats().malformedMessagesIn >= 5, 'the five frames read');
    expect(sim.stats()).toMatchObject({ messagesIn: 5, malformedMessagesIn: 5, subscribes: 0 });
  });
});

describe('Finnhub keepalive', () => {
  it('sends {"type":"ping"} text frames only while the connection is idle', async () => {
    const sim = await start({ pingIntervalMs: 300 });
    const idle = await connect(`/?token=${TOKEN}`);
    // Waited for, not slept on: a stalled process can run a sleep's timer before reading pings.
    await until(() => idle.frames.filter((t) => t === FINNHUB_PING_FRAME).length >= 2, 'two idle pings');
    expect(idle.pings).toEqual([]); // never a WebSocket-level ping
    subscribe(idle, 'AAPL');
    await idle.nextJson(isTradeFrame);
    const whileBusy = await idle.collect(700);
    expect(whileBusy.filter((t) => t === FINNHUB_PING_FRAME)).toEqual([]);
    expect(sim.stats().pingsSent).toBeGreaterThanOrEqual(2);
  });

  it('stalls: no trades and no pings until resume', async () => {
    const sim = await start({ pingIntervalMs: 100 });
    const client = await connect(`/?token=${TOKEN}`);
    subscribe(client, 'AAPL');
    await client.nextJson(isTradeFrame);
    sim.faults.stall(0);
    await sleep(80);
    expect(await client.collect(350)).toEqual([]);
    sim.faults.resume();
    await client.nextJson(isTradeFrame, 1_000);
  });
});

describe('the Finnhub adapter against the simulator', () => {
  it('connects with its own URL and frames, and parses trades, pings and the limit error', async () => {
    const sim = await start({ pingIntervalMs: 200, maxSymbolsPerConnection: 1 });
    const adapter = createFinnhubAdapter({ token: TOKEN });
    const client = await connectUrl(adapter.connectUrl(sim.wsUrl, []));
    const streams = [...adapter.streamsFor('FINNHUB:BINANCE:BTCUSDT'), ...adapter.streamsFor('FINNHUB:AAPL')];
    for (const frame of adapter.openFrames?.(streams, () => 1) ?? []) client.send(frame);

    const text = await client.next((t) => t.includes('"type":"trade"'));
    const trade = adapter.parse(text, Date.now());
    expect(trade.type).toBe('tickers');
    if (trade.type !== 'tickers') return;
    expect(trade.updates.length).toBeGreaterThan(0);
    expect(trade.updates.every((u) => u.symbol === 'FINNHUB:BINANCE:BTCUSDT')).toBe(true);
    // Prices and volumes arrive digit for digit as the frame wrote them.
    expect(trade.updates.map((u) => u.last)).toEqual([...text.matchAll(/"p":([0-9.]+)/g)].map((m) => m[1]));
    expect(trade.updates.map((u) => u.tradeQty)).toEqual(
      [...text.matchAll(/"v":([0-9.]+)/g)].map((m) => m[1]),
    );
    expect(trade.updates.map((u) => u.eventTime)).toEqual(
      [...text.matchAll(/"t":(\d+)/g)].map((m) => Number(m[1])),
    );

    const error = adapter.parse(await client.next((t) => t.includes('"error"')), Date.now());
    expect(error).toMatchObject({ type: 'error', code: 'FINNHUB_TOO_MANY_SYMBOLS' });
    sim.setTradesPerSecond(0);
    expect(adapter.parse(await client.next((t) => t === FINNHUB_PING_FRAME, 2_000), Date.now())).toEqual({
      type: 'heartbeat',
    });
  });
});
