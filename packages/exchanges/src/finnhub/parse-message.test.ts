import type { TickerUpdate } from '@tickwire/core';
import type { FeedMessage } from '../feed-message';
import { parseFinnhubMessage, parseFinnhubPayload } from './parse-message';

const RECEIVED = 1_800_000_000_000;

function parse(frame: unknown): FeedMessage {
  return parseFinnhubMessage(typeof frame === 'string' ? frame : JSON.stringify(frame), RECEIVED);
}

function updates(frame: unknown): TickerUpdate[] {
  const message = parse(frame);
  if (message.type !== 'tickers') throw new Error(`expected tickers, got ${JSON.stringify(message)}`);
  return message.updates;
}

function expectMalformed(frame: unknown, reason: RegExp): void {
  const message = parse(frame);
  expect(message.type).toBe('malformed');
  if (message.type === 'malformed') expect(message.reason).toMatch(reason);
}

describe('Finnhub trade frames', () => {
  it('turn each trade into one update with its symbol, price, size and millisecond time', () => {
    expect(
      updates(
        '{"data":[{"c":["1","24","12"],"p":146.76,"s":"AAPL","t":1628238530221,"v":43}],"type":"trade"}',
      ),
    ).toEqual([
      {
        exchange: 'finnhub',
        symbol: 'FINNHUB:AAPL',
        last: '146.76',
        lastQty: '43',
        tradeQty: '43',
        eventTime: 1628238530221,
        receiveTime: RECEIVED,
        source: 'ws',
      },
    ]);
  });

  it('keep prices and sizes exactly as written, whatever a double would make of them', () => {
    const [update] = updates(
      '{"type":"trade","data":[{"p":0.12345678901234567,"s":"BINANCE:BTCUSDT","t":1,"v":1e-8}]}',
    );
    expect(update).toMatchObject({ last: '0.12345678901234567', tradeQty: '0.00000001' });
  });

  it('read frames whose numbers were decoded as doubles the same way', () => {
    const decoded = JSON.parse(
      '{"type":"trade","data":[{"p":7296.89,"s":"BINANCE:BTCUSDT","t":1575526691134,"v":0.011467}]}',
    );
    const message = parseFinnhubPayload(decoded, RECEIVED);
    expect(message.type === 'tickers' && message.updates[0]).toMatchObject({
      last: '7296.89',
      tradeQty: '0.011467',
    });
  });

  it('keep every trade of a frame that mixes symbols and repeats times, in wire order', () => {
    const result = updates({
      type: 'trade',
      data: [
        { p: 122.1, s: 'TSLA', t: 1672348887196, v: 1 },
        { p: 129.58, s: 'AAPL', t: 1672348887196, v: 1 },
        { p: 122.09, s: 'TSLA', t: 1672348887196, v: 4 },
      ],
    });
    expect(result.map((u) => [u.symbol, u.last, u.tradeQty])).toEqual([
      ['FINNHUB:TSLA', '122.1', '1'],
      ['FINNHUB:AAPL', '129.58', '1'],
      ['FINNHUB:TSLA', '122.09', '4'],
    ]);
  });

  it('treat a volume of 0 as a price update, not a trade', () => {
    const [update] = updates({ type: 'trade', data: [{ p: 1.0842, s: 'OANDA:EUR_USD', t: 5, v: 0 }] });
    expect(update).toEqual({
      exchange: 'finnhub',
      symbol: 'FINNHUB:OANDA:EUR_USD',
      last: '1.0842',
      eventTime: 5,
      receiveTime: RECEIVED,
      source: 'ws',
    });
  });

  it('accept conditions as an array, null, empty or absent, and ignore unknown keys', () => {
    for (const c of [['1', '24'], null, [], undefined]) {
      expect(updates({ type: 'trade', data: [{ c, p: 1, s: 'A', t: 1, v: 1, x: 'new' }] })).toHaveLength(1);
    }
  });

  it('give no updates for an empty data array', () => {
    expect(updates({ type: 'trade', data: [] })).toEqual([]);
  });

  it('map a venue with a space to its canonical symbol', () => {
    expect(updates({ type: 'trade', data: [{ p: 2, s: 'IC MARKETS:1', t: 1, v: 0 }] })[0]?.symbol).toBe(
      'FINNHUB:IC_MARKETS:1',
    );
  });

  it.each([
    [{ type: 'trade' }, /field "data" must be an array/],
    [{ type: 'trade', data: {} }, /field "data" must be an array/],
    [{ type: 'trade', data: [1] }, /trade 0: expected an object/],
    [{ type: 'trade', data: [{ s: 'A', t: 1, v: 1 }] }, /trade 0: field "p" must be a number/],
    [
      {
        type: 'trade',
        data: [
          { p: '1.5', s: 'A', t: 1, v: 1 },
          { p: 'x', s: 'A', t: 1, v: 1 },
        ],
      },
      /trade 1: field "p"/,
    ],
    [{ type: 'trade', data: [{ p: 1, s: '', t: 1, v: 1 }] }, /field "s" must be a non-empty string/],
    [
      { type: 'trade', data: [{ p: 1, s: 'aapl', t: 1, v: 1 }] },
      /field "s" must be a symbol Tickwire can carry/,
    ],
    [{ type: 'trade', data: [{ p: 1, s: 'A', t: 1.5, v: 1 }] }, /field "t" must be a non-negative integer/],
    [{ type: 'trade', data: [{ p: 1, s: 'A', t: -1, v: 1 }] }, /field "t"/],
    [{ type: 'trade', data: [{ p: 1, s: 'A', t: 1, v: -2 }] }, /field "v" must be a non-negative number/],
    [{ type: 'trade', data: [{ p: 1, s: 'A', t: 1 }] }, /field "v" must be a number/],
  ])('reject %j as malformed', (frame, reason) => {
    expectMalformed(frame, reason);
  });
});

describe('Finnhub control frames from the server', () => {
  it('read the text ping as a heartbeat that needs no answer', () => {
    expect(parse('{"type":"ping"}')).toEqual({ type: 'heartbeat' });
  });

  it('read the too-many-symbols error with a stable code and no id', () => {
    expect(parse('{"msg":"Subscribing to too many symbols","type":"error"}')).toEqual({
      type: 'error',
      id: null,
      code: 'FINNHUB_TOO_MANY_SYMBOLS',
      message: 'Subscribing to too many symbols',
    });
  });

  it('report other errors, even without a message', () => {
    expect(parse({ type: 'error', msg: 'Invalid symbol' })).toMatchObject({
      code: 'FINNHUB_ERROR',
      message: 'Invalid symbol',
    });
    expect(parse({ type: 'error' })).toMatchObject({ type: 'error', code: 'FINNHUB_ERROR' });
  });

  it('ignore news and any other type', () => {
    expect(parse({ type: 'news', data: [] })).toEqual({
      type: 'ignored',
      reason: 'unhandled message type "news"',
    });
  });

  it.each([
    ['', /empty frame/],
    ['{"type":"trade"', /invalid JSON/],
    ['[]', /expected a JSON object/],
    ['{"data":[]}', /field "type" must be a string/],
    ['{"type":5}', /field "type" must be a string/],
  ])('reject %j as malformed, never throwing', (frame, reason) => {
    expect(() => parse(frame)).not.toThrow();
    expectMalformed(frame, reason);
  });
});
