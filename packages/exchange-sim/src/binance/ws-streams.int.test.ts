import { startExchangeSim, type ExchangeSim } from './index';
import { TestClient, sleep, until, withTimeout, type Json } from '../test-support/ws-test-client';
import { FAST_SIM, useSimFixture } from '../test-support/sim-fixture';

const { start, connect } = useSimFixture();

const EIGHT_DP = /^-?\d+\.\d{8}$/;

/** "9318.48000000" -> 931848000000n (1e-8 units). */
function units(decimal: string): bigint {
  return BigInt(decimal.replace('.', ''));
}

describe('stream endpoints', () => {
  it('sends bare payloads on /ws/<stream> with the current @trade shape (no b/a)', async () => {
    await start();
    const client = await connect('/ws/btcusdt@trade');
    const trade = await client.nextJson();
    expect(Object.keys(trade)).toEqual(['e', 'E', 's', 't', 'p', 'q', 'T', 'm', 'M']);
    expect(trade).toMatchObject({ e: 'trade', s: 'BTCUSDT', M: true });
    expect(trade.p).toMatch(EIGHT_DP);
    expect(trade.q).toMatch(EIGHT_DP);
    expect(trade.E).toBeGreaterThanOrEqual(trade.T);
    expect(typeof trade.m).toBe('boolean');
  });

  it('wraps payloads on /stream as {"stream","data"} around the exact bytes of the raw payload', async () => {
    const s = await start();
    const client = await connect('/stream?streams=btcusdt@aggTrade/ethusdt@bookTicker');
    const frame = await client.next((t) => t.startsWith('{"stream":"btcusdt@aggTrade"'));
    const aggEvents = s.recentEvents({ stream: 'btcusdt@aggTrade' });
    const match = aggEvents.find((e) => frame === `{"stream":"btcusdt@aggTrade","data":${e.json}}`);
    expect(match).toBeDefined();
    const book = await client.nextJson((m) => m.stream === 'ethusdt@bookTicker');
    expect(Object.keys(book)).toEqual(['stream', 'data']);
  });

  it('serves /ws and /stream without streams, then streams after SUBSCRIBE', async () => {
    await start();
    const raw = await connect('/ws');
    const combined = await connect('/stream');
    raw.send({ method: 'SUBSCRIBE', params: ['btcusdt@trade'], id: 1 });
    combined.send({ method: 'SUBSCRIBE', params: ['btcusdt@trade'], id: 1 });
    expect(await raw.next()).toBe('{"result":null,"id":1}');
    expect(await combined.next()).toBe('{"result":null,"id":1}');
    expect((await raw.nextJson()).e).toBe('trade');
    expect((await combined.nextJson()).stream).toBe('btcusdt@trade');
  });

  it('answers HTTP 404 at the handshake for unknown paths', async () => {
    const s = await start();
    await expect(TestClient.connect(`${s.wsUrl}/stream/nonsense`)).rejects.toThrow('handshake status 404');
    await expect(TestClient.connect(`${s.wsUrl}/foo`)).rejects.toThrow('handshake status 404');
  });

  it('accepts non-lowercase and unknown stream names silently', async () => {
    await start({ tradesPerSecond: 50 });
    const client = await connect('/ws/BTCUSDT@trade/xrpxrp@miniTicker/btcusdt@depth');
    client.send({ method: 'LIST_SUBSCRIPTIONS', id: 1 });
    expect(await client.nextJson()).toEqual({
      result: ['BTCUSDT@trade', 'xrpxrp@miniTicker', 'btcusdt@depth'],
      id: 1,
    });
    expect(await client.collect(400)).toEqual([]);
    expect(client.isOpen).toBe(true);
  });
});

describe('payloads', () => {
  it('numbers @aggTrade ids a consecutively per symbol, one trade per aggregate', async () => {
    await start({ tradesPerSecond: 50 });
    const client = await connect('/ws/solusdt@aggTrade');
    const first = await client.nextJson();
    expect(Object.keys(first)).toEqual(['e', 'E', 's', 'a', 'p', 'q', 'f', 'l', 'T', 'm', 'M']);
    let previous = first;
    for (let i = 0; i < 10; i++) {
      const next = await client.nextJson();
      expect(next.a).toBe(previous.a + 1);
      expect(next.f).toBe(previous.f + 1);
      expect(next.f).toBe(next.l);
      previous = next;
    }
  });

  it('sends @bookTicker without e, E or T, with increasing u and bid below ask', async () => {
    await start({ tradesPerSecond: 50 });
    const client = await connect('/ws/bnbusdt@bookTicker');
    let previousU = 0;
    for (let i = 0; i < 5; i++) {
      const book = await client.nextJson();
      expect(Object.keys(book)).toEqual(['u', 's', 'b', 'B', 'a', 'A']);
      expect(book.u).toBeGreaterThan(previousU);
      expect(units(book.b) < units(book.a)).toBe(true);
      previousU = book.u;
    }
  });

  it('keeps @ticker fields in wire order and coherent with each other', async () => {
    await start();
    const client = await connect('/ws/btcusdt@ticker');
    const t = await client.nextJson();
    expect(Object.keys(t)).toEqual([
      'e',
      'E',
      's',
      'p',
      'P',
      'w',
      'x',
      'c',
      'Q',
      'b',
      'B',
      'a',
      'A',
      'o',
      'h',
      'l',
      'v',
      'q',
      'O',
      'C',
      'F',
      'L',
      'n',
    ]);
    for (const key of ['p', 'w', 'x', 'c', 'Q', 'b', 'B', 'a', 'A', 'o', 'h', 'l', 'v', 'q']) {
      expect(t[key]).toMatch(EIGHT_DP);
    }
    expect(t.P).toMatch(/^-?\d+\.\d{3}$/);
    expect(units(t.p)).toBe(units(t.c) - units(t.o));
    expect(Math.abs(Number(t.P) - (Number(t.p) / Number(t.o)) * 100)).toBeLessThanOrEqual(0.0006);
    expect(t.n).toBe(t.L - t.F + 1);
    expect(t.C - t.O).toBe(86_400_000);
    const [h, l, c, o, w] = [units(t.h), units(t.l), units(t.c), units(t.o), units(t.w)];
    expect(h >= c && h >= o && l <= c && l <= o).toBe(true);
    expect(w >= l && w <= h).toBe(true);
  });

  it('sends @miniTicker with e, E, s, c, o, h, l, v, q', async () => {
    await start();
    const client = await connect('/ws/dogeusdt@miniTicker');
    const m = await client.nextJson();
    expect(Object.keys(m)).toEqual(['e', 'E', 's', 'c', 'o', 'h', 'l', 'v', 'q']);
    expect(m).toMatchObject({ e: '24hrMiniTicker', s: 'DOGEUSDT' });
  });

  it('lists only changed symbols in !miniTicker@arr, each element with its own E', async () => {
    const s = await start({ tradesPerSecond: 0 });
    const client = await connect('/ws/!miniTicker@arr');
    await until(() => client.frames.length >= 1, 'the first array', 5_000);
    // Two more 1 s array periods could pass unseen on a loaded machine: give them the time.
    await sleep(450);
    // Without trades nothing changes after the first array, which carries every symbol.
    const arrays = s.recentEvents({ stream: '!miniTicker@arr' });
    expect(arrays).toHaveLength(1);
    const elements = arrays[0]?.data as { e: string; E: number; s: string }[];
    expect(elements.map((e) => e.s).sort()).toEqual(
      ['ADAUSDT', 'BNBUSDT', 'BTCUSDT', 'DOGEUSDT', 'ETHUSDT', 'SOLUSDT', 'TRXUSDT', 'XRPUSDT'].sort(),
    );
    expect(elements.every((e) => e.e === '24hrMiniTicker' && typeof e.E === 'number')).toBe(true);
    expect(JSON.parse(client.frames[0] ?? 'null')).toEqual(elements);
  });

  it('closes klines with x true once, T = t + interval - 1, and opens the next one', async () => {
    await start({ tradesPerSecond: 20, symbols: ['BTCUSDT'] });
    const client = await connect('/ws/btcusdt@kline_1s/btcusdt@kline_1m/btcusdt@kline_1M');
    const closed = await client.nextJson((m) => m.k.i === '1s' && m.k.x === true, 3_000);
    expect(Object.keys(closed)).toEqual(['e', 'E', 's', 'k']);
    expect(Object.keys(closed.k)).toEqual([
      't',
      'T',
      's',
      'i',
      'f',
      'L',
      'o',
      'c',
      'h',
      'l',
      'v',
      'n',
      'x',
      'q',
      'V',
      'Q',
      'B',
    ]);
    expect(closed.k.T).toBe(closed.k.t + 999);
    expect(closed.E).toBeGreaterThan(closed.k.T);
    const after = await client.nextJson((m) => m.k.i === '1s' && m.k.x === true, 3_000);
    expect(after.k.t).toBeGreaterThan(closed.k.t);
    // The trade that closes a 1s kline on a minute's last second also closes the minute (1 run
    // in 60): then the next 1m frame is the new minute's, open.
    let minute = await client.nextJson((m) => m.k.i === '1m');
    if (minute.k.x === true) minute = await client.nextJson((m) => m.k.i === '1m');
    expect(minute.k.x).toBe(false);
    expect(minute.k.T - minute.k.t).toBe(59_999);
    expect(minute.k.n).toBe(minute.k.L - minute.k.f + 1);
    const month = await client.nextJson((m) => m.k.i === '1M');
    const open = new Date(month.k.t);
    expect([open.getUTCDate(), open.getUTCHours(), open.getUTCMinutes()]).toEqual([1, 0, 0]);
    expect(new Date(month.k.T + 1).getUTCDate()).toBe(1);
  });
});

describe('prices', () => {
  it('prints every price and quantity with 8 decimals, prices in multiples of the tick size', async () => {
    const s = await start({ tradesPerSecond: 100, symbols: ['BTCUSDT', 'DOGEUSDT', 'XRPUSDT'] });
    await sleep(400);
    const ticks: Record<string, bigint> = { BTCUSDT: 1_000_000n, DOGEUSDT: 1_000n, XRPUSDT: 10_000n };
    const steps: Record<string, bigint> = { BTCUSDT: 1_000n, DOGEUSDT: 100_000_000n, XRPUSDT: 10_000_000n };
    const trades = ['btcusdt', 'dogeusdt', 'xrpusdt'].flatMap((sym) =>
      s.recentEvents({ stream: `${sym}@trade` }),
    );
    expect(trades.length).toBeGreaterThan(20);
    for (const event of trades) {
      const trade = event.data as Json;
      expect(trade.p).toMatch(EIGHT_DP);
      expect(units(trade.p) % (ticks[trade.s] ?? 0n)).toBe(0n);
      expect(units(trade.q) % (steps[trade.s] ?? 0n)).toBe(0n);
    }
    // No float formatting anywhere: every decimal string but the 3-dp percent has exactly 8 decimals.
    for (const event of s.recentEvents({ symbol: 'DOGEUSDT' })) {
      const payload = event.data as Json;
      const { k: kline, ...top } = payload;
      // Exempt: the ticker's 3-dp percent P and the kline's "Ignore" field B ("0").
      const entries = [...Object.entries(top).filter(([key]) => key !== 'P')];
      if (kline) entries.push(...Object.entries(kline as object).filter(([key]) => key !== 'B'));
      for (const [key, value] of entries) {
        if (typeof value === 'string' && /^-?[\d.]+$/.test(value)) {
          expect(`${key}=${value}`).toMatch(/=-?\d+\.\d{8}$/);
        }
      }
    }
  });

  it('produces the same price path for the same seed and a different one for another seed', async () => {
    const options = { ...FAST_SIM, tradesPerSecond: 100, symbols: ['BTCUSDT', 'ETHUSDT'] };
    const a = await startExchangeSim({ ...options, seed: 42 });
    const b = await startExchangeSim({ ...options, seed: 42 });
    const c = await startExchangeSim({ ...options, seed: 43 });
    try {
      await withTimeout(
        (async () => {
          while ([a, b, c].some((x) => x.recentEvents({ stream: 'ethusdt@trade' }).length < 20))
            await sleep(20);
        })(),
        3_000,
        '20 trades per simulator',
      );
      const path = (x: ExchangeSim): string[] =>
        x
          .recentEvents({ stream: 'ethusdt@trade' })
          .slice(0, 20)
          .map((e) => `${(e.data as Json).p}/${(e.data as Json).q}/${(e.data as Json).t}`);
      expect(path(a)).toEqual(path(b));
      expect(path(a)).not.toEqual(path(c));
    } finally {
      await Promise.all([a.stop(), b.stop(), c.stop()]);
    }
  });
});
