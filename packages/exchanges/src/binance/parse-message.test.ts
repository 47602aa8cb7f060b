import type { TickerUpdate } from '@tickwire/core';
import type { FeedMessage } from '../feed-message';
import { parseBinanceMessage, parseBinancePayload } from './parse-message';

const RECEIVED = 1_800_000_000_000;

function parse(frame: unknown): FeedMessage {
  return parseBinanceMessage(typeof frame === 'string' ? frame : JSON.stringify(frame), RECEIVED);
}

/** The single update of a `tickers` message; fails the test on anything else. */
function single(frame: unknown): TickerUpdate {
  const message = parse(frame);
  if (message.type !== 'tickers') throw new Error(`expected tickers, got ${JSON.stringify(message)}`);
  expect(message.updates).toHaveLength(1);
  return message.updates[0]!;
}

function expectMalformed(frame: unknown, reason?: RegExp): void {
  let message: FeedMessage | undefined;
  expect(() => {
    message = parse(frame);
  }).not.toThrow();
  expect(message?.type).toBe('malformed');
  if (reason && message?.type === 'malformed') expect(message.reason).toMatch(reason);
}

/**
 * A 24hrTicker where every field, including each member of the case-sensitive pairs
 * (Q/q, B/b, A/a, C/c, L/l, P/p, O/o, E/e), has a value no other field has.
 */
const TICKER = {
  e: '24hrTicker',
  E: 1_700_000_000_005,
  s: 'BNBBTC',
  p: '0.00150000',
  P: '250.000',
  w: '0.00180000',
  x: '0.00090000',
  c: '0.00250000',
  Q: '10.00000000',
  b: '0.00240000',
  B: '11.00000000',
  a: '0.00260000',
  A: '100.00000000',
  o: '0.00100000',
  h: '0.00270000',
  l: '0.00080000',
  v: '10000.00000000',
  q: '18.00000000',
  O: 1_700_000_000_001,
  C: 1_700_000_000_002,
  F: 3,
  L: 18150,
  n: 18151,
};

describe('24hrTicker', () => {
  it('maps every documented field to its ticker field', () => {
    expect(single(TICKER)).toEqual({
      exchange: 'binance',
      symbol: 'BNBBTC',
      last: '0.00250000',
      lastQty: '10.00000000',
      bid: '0.00240000',
      bidQty: '11.00000000',
      ask: '0.00260000',
      askQty: '100.00000000',
      open: '0.00100000',
      high: '0.00270000',
      low: '0.00080000',
      change: '0.00150000',
      changePct: '250.000',
      baseVolume: '10000.00000000',
      quoteVolume: '18.00000000',
      eventTime: 1_700_000_000_005,
      receiveTime: RECEIVED,
      source: 'ws',
    });
  });

  it.each([
    ['Q', 'lastQty', 'q', 'quoteVolume'],
    ['B', 'bidQty', 'b', 'bid'],
    ['A', 'askQty', 'a', 'ask'],
    ['P', 'changePct', 'p', 'change'],
    ['c', 'last', 'o', 'open'],
  ] as const)('keeps %s (%s) apart from %s (%s)', (upper, upperField, lower, lowerField) => {
    const update = single({ ...TICKER, [upper]: '1.11111111', [lower]: '2.22222222' });
    expect(update[upperField]).toBe('1.11111111');
    expect(update[lowerField]).toBe('2.22222222');
  });

  it('takes the event time from E, not from the statistics times O and C or the trade ids', () => {
    const update = single(TICKER);
    expect(update.eventTime).toBe(TICKER.E);
    expect(update.eventTime).not.toBe(TICKER.O);
    expect(update.eventTime).not.toBe(TICKER.C);
  });

  it.each(['q', 'b', 'a', 'p', 'c', 'o', 'l', 'h', 'v'])(
    'does not fall back to the other case when lowercase %s is mistyped',
    (key) => {
      expectMalformed({ ...TICKER, [key]: 1.5 }, new RegExp(`"${key}"`));
    },
  );

  it.each(['Q', 'B', 'A', 'P'])(
    'does not fall back to the other case when uppercase %s is mistyped',
    (key) => {
      expectMalformed({ ...TICKER, [key]: null }, new RegExp(`"${key}"`));
    },
  );

  it('accepts the futures shape without x, b, B, a and A and leaves bid and ask out', () => {
    const { x: _x, b: _b, B: _B, a: _a, A: _A, ...futures } = TICKER;
    const update = single(futures);
    expect(update.last).toBe('0.00250000');
    expect(update).not.toHaveProperty('bid');
    expect(update).not.toHaveProperty('bidQty');
    expect(update).not.toHaveProperty('ask');
    expect(update).not.toHaveProperty('askQty');
  });

  it('passes decimal strings through byte for byte', () => {
    const update = single({
      ...TICKER,
      c: '0.10000000',
      o: '00.1',
      h: '100',
      l: '-0',
      v: '0.000000000000000001',
    });
    expect(update.last).toBe('0.10000000');
    expect(update.open).toBe('00.1');
    expect(update.high).toBe('100');
    expect(update.low).toBe('-0');
    expect(update.baseVolume).toBe('0.000000000000000001');
  });

  it('parses the same payload inside a combined envelope', () => {
    expect(single({ stream: 'bnbbtc@ticker', data: TICKER })).toEqual(single(TICKER));
  });
});

describe('24hrMiniTicker', () => {
  const MINI = {
    e: '24hrMiniTicker',
    E: 1_601_628_771_865,
    s: 'BTCUSDT',
    c: '10456.56000000',
    o: '10884.90000000',
    h: '10912.83000000',
    l: '10385.02000000',
    v: '64483.09756200',
    q: '685180788.34970800',
  };

  it('maps the fields and derives change and percent change exactly', () => {
    expect(single(MINI)).toEqual({
      exchange: 'binance',
      symbol: 'BTCUSDT',
      last: '10456.56000000',
      open: '10884.90000000',
      high: '10912.83000000',
      low: '10385.02000000',
      change: '-428.34000000',
      changePct: '-3.935',
      baseVolume: '64483.09756200',
      quoteVolume: '685180788.34970800',
      eventTime: 1_601_628_771_865,
      receiveTime: RECEIVED,
      source: 'ws',
    });
  });

  it('derives change where floats would not be exact', () => {
    const update = single({ ...MINI, o: '0.1', c: '0.3' });
    expect(update.change).toBe('0.2');
    expect(update.changePct).toBe('200.000');
  });

  it('leaves the percent change out when the open is zero', () => {
    const update = single({ ...MINI, o: '0.00000000', c: '1.00000000' });
    expect(update.change).toBe('1.00000000');
    expect(update).not.toHaveProperty('changePct');
  });

  it('turns a bare !miniTicker@arr array into one message with an update per element', () => {
    const message = parse([MINI, { ...MINI, s: 'ETHBTC', E: MINI.E - 5, c: '0.02456700', o: '0.02459800' }]);
    expect(message.type).toBe('tickers');
    if (message.type !== 'tickers') return;
    expect(message.updates.map((update) => [update.symbol, update.eventTime, update.last])).toEqual([
      ['BTCUSDT', MINI.E, '10456.56000000'],
      ['ETHBTC', MINI.E - 5, '0.02456700'],
    ]);
  });

  it('reads the combined !miniTicker@arr envelope the same way', () => {
    expect(parse({ stream: '!miniTicker@arr', data: [MINI, MINI] })).toEqual(parse([MINI, MINI]));
  });

  it('treats an empty array as a valid message without updates', () => {
    expect(parse([])).toEqual({ type: 'tickers', updates: [] });
  });

  it('rejects the whole array when one element is broken, naming the element', () => {
    expectMalformed([MINI, { ...MINI, c: 10456.56 }], /element 1.*"c"/);
  });
});

describe('retired !ticker@arr', () => {
  it('still yields one update per element', () => {
    const message = parse({ stream: '!ticker@arr', data: [TICKER, { ...TICKER, s: 'ETHBTC' }] });
    expect(message.type === 'tickers' && message.updates.map((update) => update.symbol)).toEqual([
      'BNBBTC',
      'ETHBTC',
    ]);
  });
});

describe('bookTicker', () => {
  const BOOK = {
    u: 400900217,
    s: 'BNBUSDT',
    b: '25.35190000',
    B: '31.21000000',
    a: '25.36520000',
    A: '40.66000000',
  };

  it('maps b/B/a/A to bid/bidQty/ask/askQty and stamps the receive time when spot sends no E', () => {
    expect(single(BOOK)).toEqual({
      exchange: 'binance',
      symbol: 'BNBUSDT',
      bid: '25.35190000',
      bidQty: '31.21000000',
      ask: '25.36520000',
      askQty: '40.66000000',
      eventTime: RECEIVED,
      receiveTime: RECEIVED,
      source: 'ws',
    });
  });

  it('parses the combined spot envelope by its stream name', () => {
    expect(single({ stream: 'bnbusdt@bookTicker', data: BOOK })).toEqual(single(BOOK));
  });

  it('uses E as the event time in the futures shape with e, E and T', () => {
    const update = single({ e: 'bookTicker', ...BOOK, T: 1_653_817_855_284, E: 1_653_817_855_289 });
    expect(update.eventTime).toBe(1_653_817_855_289);
    expect(update.bid).toBe('25.35190000');
  });

  it('rejects a bookTicker without a symbol or with a numeric price', () => {
    const { s: _s, ...noSymbol } = BOOK;
    expectMalformed(noSymbol, /"s"/);
    expectMalformed({ stream: 'bnbusdt@bookTicker', data: noSymbol }, /"s"/);
    expectMalformed({ ...BOOK, a: 25.3652 }, /"a"/);
    expectMalformed({ ...BOOK, E: 'soon' }, /"E"/);
  });
});

describe('trade and aggTrade', () => {
  const TRADE = {
    e: 'trade',
    E: 1_751_132_780_369,
    s: 'BTCUSDT',
    t: 5052328858,
    p: '107407.88000000',
    q: '0.00024000',
    T: 1_751_132_780_368,
    m: true,
    M: true,
  };
  const AGG = {
    e: 'aggTrade',
    E: 1_672_515_782_136,
    s: 'BNBBTC',
    a: 12345,
    p: '0.001',
    q: '100',
    f: 100,
    l: 105,
    T: 1_672_515_782_130,
    m: true,
    M: true,
  };

  it('maps a trade to last=p and lastQty=q with the event time E, not the trade time T', () => {
    expect(single(TRADE)).toEqual({
      exchange: 'binance',
      symbol: 'BTCUSDT',
      last: '107407.88000000',
      lastQty: '0.00024000',
      tradeQty: '0.00024000',
      eventTime: 1_751_132_780_369,
      receiveTime: RECEIVED,
      source: 'ws',
    });
  });

  it('ignores the b and a order ids of trades recorded before June 2024', () => {
    expect(single({ ...TRADE, b: 133829535, a: 133829504 })).toEqual(single(TRADE));
  });

  it('maps an aggTrade to last=p and lastQty=q, never to its ids a, f and l', () => {
    expect(single(AGG)).toEqual({
      exchange: 'binance',
      symbol: 'BNBBTC',
      last: '0.001',
      lastQty: '100',
      tradeQty: '100',
      eventTime: 1_672_515_782_136,
      receiveTime: RECEIVED,
      source: 'ws',
    });
  });

  it('ignores unknown extra keys such as st', () => {
    expect(single({ ...AGG, st: 1, future: { nested: true } })).toEqual(single(AGG));
  });

  it('rejects a price sent as a number, a missing symbol and a fractional or negative event time', () => {
    expectMalformed({ ...TRADE, p: 107407.88 }, /"p"/);
    expectMalformed({ ...AGG, q: '1e5' }, /"q"/);
    const { s: _s, ...noSymbol } = TRADE;
    expectMalformed(noSymbol, /"s"/);
    expectMalformed({ ...TRADE, E: 1.5 }, /"E"/);
    expectMalformed({ ...TRADE, E: -1 }, /"E"/);
    expectMalformed({ ...TRADE, E: '1751132780369' }, /"E"/);
  });
});

describe('kline', () => {
  const KLINE = {
    e: 'kline',
    E: 1_672_515_782_136,
    s: 'BNBBTC',
    k: {
      t: 1_672_515_780_000,
      T: 1_672_515_839_999,
      s: 'BNBBTC',
      i: '1m',
      f: 100,
      L: 200,
      o: '0.0010',
      c: '0.0020',
      h: '0.0025',
      l: '0.0015',
      v: '1000',
      n: 100,
      x: false,
      q: '1.0000',
      V: '500',
      Q: '0.500',
      B: '123456',
    },
  };

  it('yields only the last price from k.c, with the event time E', () => {
    expect(single(KLINE)).toEqual({
      exchange: 'binance',
      symbol: 'BNBBTC',
      last: '0.0020',
      eventTime: 1_672_515_782_136,
      receiveTime: RECEIVED,
      source: 'ws',
    });
  });

  it('rejects a kline without its candle or with a numeric close', () => {
    expectMalformed({ ...KLINE, k: undefined }, /"k"/);
    expectMalformed({ ...KLINE, k: { ...KLINE.k, c: 0.002 } }, /"c"/);
  });
});

describe('control responses', () => {
  it('acknowledges SUBSCRIBE with the echoed id and a null result', () => {
    expect(parse('{"result":null,"id":1}')).toEqual({ type: 'ack', id: 1, result: null });
  });

  it('passes LIST_SUBSCRIPTIONS and GET_PROPERTY results on as sent', () => {
    expect(parse('{"result":["btcusdt@aggTrade"],"id":3}')).toEqual({
      type: 'ack',
      id: 3,
      result: ['btcusdt@aggTrade'],
    });
    expect(parse('{"result":true,"id":"abc-36"}')).toEqual({ type: 'ack', id: 'abc-36', result: true });
  });

  it('reads an ack without id as id null', () => {
    expect(parse('{"result":null}')).toEqual({ type: 'ack', id: null, result: null });
  });

  it.each([
    ['a number', 2, 2],
    ['a string', 'req-7', 'req-7'],
    ['null', null, null],
  ])('reads a nested error whose id is %s', (_label, id, expected) => {
    expect(parse({ error: { code: 2, msg: 'Invalid request: invalid stream' }, id })).toEqual({
      type: 'error',
      id: expected,
      code: 2,
      message: 'Invalid request: invalid stream',
    });
  });

  it.each([
    ['a number', 2, 2],
    ['a string', 'req-7', 'req-7'],
    ['null', null, null],
  ])('reads a flat error whose id is %s', (_label, id, expected) => {
    expect(parse({ code: 0, msg: 'Unknown property', id })).toEqual({
      type: 'error',
      id: expected,
      code: 0,
      message: 'Unknown property',
    });
  });

  it('reads errors without any id, nested and flat, as id null', () => {
    expect(parse('{"error":{"code":3,"msg":"Invalid JSON: EOF while parsing a value"}}')).toEqual({
      type: 'error',
      id: null,
      code: 3,
      message: 'Invalid JSON: EOF while parsing a value',
    });
    expect(parse('{"code":3,"msg":"Invalid JSON: expected value at line 1 column 1"}')).toEqual({
      type: 'error',
      id: null,
      code: 3,
      message: 'Invalid JSON: expected value at line 1 column 1',
    });
  });

  it('ignores extra keys in an error, such as the stream in error.data', () => {
    expect(parse({ error: { code: 2, msg: 'Invalid request', data: '000usdt@trade' }, id: 1 })).toEqual({
      type: 'error',
      id: 1,
      code: 2,
      message: 'Invalid request',
    });
  });

  it('rejects error frames without a message or with an unusable id', () => {
    expectMalformed({ error: { code: 2 }, id: 1 }, /"msg"/);
    expectMalformed({ error: 'nope', id: 1 }, /"error"/);
    expectMalformed({ code: 2, msg: 'x', id: { n: 1 } }, /"id"/);
    expectMalformed({ result: null, id: 1.5 }, /"id"/);
  });
});

describe('serverShutdown', () => {
  it('announces a shutdown from the raw event', () => {
    expect(parse('{"e":"serverShutdown","E":1770123456789}')).toEqual({
      type: 'shutdown',
      time: 1770123456789,
    });
  });

  it('announces a shutdown from the combined !serverShutdown frame', () => {
    expect(parse('{"stream":"!serverShutdown","data":{"e":"serverShutdown","E":1770123456789}}')).toEqual({
      type: 'shutdown',
      time: 1770123456789,
    });
  });

  it('still announces a shutdown without a usable E, at the receive time', () => {
    expect(parse({ e: 'serverShutdown' })).toEqual({ type: 'shutdown', time: RECEIVED });
  });
});

describe('frames Tickwire does not use', () => {
  it.each([
    ['avgPrice', { e: 'avgPrice', E: 1, s: 'BTCUSDT', i: '5m', w: '25776.86000000', T: 1 }],
    ['1hTicker', { e: '1hTicker', E: 1, s: 'BNBBTC', c: '0.0025' }],
    ['depthUpdate', { e: 'depthUpdate', E: 1, s: 'BNBBTC', U: 157, u: 160, b: [], a: [] }],
    ['referencePrice', { e: 'referencePrice', E: 1, s: 'BTCUSDT', r: null }],
    ['an event named after an Object method', { e: 'constructor', E: 1 }],
    ['a future event', { e: 'somethingNew', x: 1 }],
  ])('ignores %s', (_label, payload) => {
    expect(parse(payload).type).toBe('ignored');
    expect(parse({ stream: 'x@y', data: payload }).type).toBe('ignored');
  });

  it('ignores partial depth payloads, bare and combined', () => {
    const depth = { lastUpdateId: 160, bids: [['0.0024', '10']], asks: [['0.0026', '100']] };
    expect(parse(depth).type).toBe('ignored');
    expect(parse({ stream: 'bnbbtc@depth5', data: depth }).type).toBe('ignored');
  });

  it('ignores an array of rolling-window tickers', () => {
    expect(parse({ stream: '!ticker_1h@arr', data: [{ e: '1hTicker', E: 1, s: 'A' }] }).type).toBe('ignored');
  });
});

describe('malformed frames', () => {
  it.each([
    ['an empty string', ''],
    ['truncated JSON', '{"e":"trade","E":1751132780369,"s":"BTCUSDT","p":"107407.8'],
    ['not JSON at all', 'ping'],
    ['null', 'null'],
    ['a number', '42'],
    ['a string', '"hello"'],
    ['true', 'true'],
    ['an array of junk', '[1,"a",null]'],
    ['an array of objects without e', '[{}]'],
    ['an array of nulls', '[null]'],
    ['an empty object', '{}'],
    ['an object of unknown shape', '{"hello":"world"}'],
    ['a numeric event type', '{"e":5,"E":1}'],
    ['a combined frame without data', '{"stream":"btcusdt@trade"}'],
    ['a combined frame with null data', '{"stream":"btcusdt@trade","data":null}'],
    ['a combined frame with a numeric stream', '{"stream":5,"data":{}}'],
  ])('returns malformed for %s without throwing', (_label, text) => {
    expectMalformed(text);
  });

  it('explains bad JSON in the reason', () => {
    expectMalformed('{"result":', /invalid JSON/);
    expectMalformed('', /empty frame/);
  });

  it('never throws on values JSON.stringify cannot render', () => {
    const circular: Record<string, unknown> = {};
    circular['e'] = circular;
    for (const value of [1n, circular, [circular], { stream: 'a', data: circular }, () => 1]) {
      expect(parseBinancePayload(value, RECEIVED).type).toBe('malformed');
    }
  });

  it('never throws on already-decoded junk either', () => {
    for (const value of [
      undefined,
      null,
      0,
      NaN,
      'x',
      [],
      [[]],
      { stream: 'a', data: [1] },
      Symbol.iterator,
    ]) {
      expect(() => parseBinancePayload(value, RECEIVED)).not.toThrow();
    }
  });
});
