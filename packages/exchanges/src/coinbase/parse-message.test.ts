import type { TickerUpdate } from '@tickwire/core';
import type { FeedMessage } from '../feed-message';
import { parseCoinbaseMessage, parseCoinbasePayload } from './parse-message';

const RECEIVED = 1_800_000_000_000;

function parse(frame: unknown): FeedMessage {
  return parseCoinbaseMessage(typeof frame === 'string' ? frame : JSON.stringify(frame), RECEIVED);
}

function single(frame: unknown): TickerUpdate {
  const message = parse(frame);
  if (message.type !== 'tickers') throw new Error(`expected tickers, got ${JSON.stringify(message)}`);
  expect(message.updates).toHaveLength(1);
  return message.updates[0]!;
}

function expectMalformed(frame: unknown, reason: RegExp): void {
  const message = parse(frame);
  expect(message.type).toBe('malformed');
  if (message.type === 'malformed') expect(message.reason).toMatch(reason);
}

/** A ticker where every decimal field has a value no other field has. */
const TICKER = {
  type: 'ticker',
  sequence: 50978628538,
  product_id: 'BTC-USD',
  price: '17165.16',
  open_24h: '16437.94',
  volume_24h: '42492.05081975',
  low_24h: '16423.37',
  high_24h: '17259.37',
  volume_30d: '1093827.95195495',
  best_bid: '17165.15',
  best_bid_size: '0.61540890',
  best_ask: '17167.76',
  best_ask_size: '0.18528568',
  side: 'sell',
  time: '2022-12-01T00:00:00.122581Z',
  trade_id: 463751434,
  last_size: '0.05',
};

describe('Coinbase ticker messages', () => {
  it('map every documented field to its ticker field, deriving the change exactly', () => {
    expect(single(TICKER)).toEqual({
      exchange: 'coinbase',
      symbol: 'COINBASE:BTC-USD',
      last: '17165.16',
      lastQty: '0.05',
      bid: '17165.15',
      bidQty: '0.61540890',
      ask: '17167.76',
      askQty: '0.18528568',
      open: '16437.94',
      high: '17259.37',
      low: '16423.37',
      change: '727.22',
      changePct: '4.424',
      baseVolume: '42492.05081975',
      eventTime: Date.UTC(2022, 11, 1, 0, 0, 0, 122),
      receiveTime: RECEIVED,
      source: 'ws',
    });
  });

  it('never claim a ticker is one trade: Coinbase batches cascading matches into one ticker', () => {
    expect(single(TICKER)).not.toHaveProperty('tradeQty');
  });

  it('accept the older shape without sizes, and the subscribe-time ticker without time or trade', () => {
    const { best_bid_size: _bid, best_ask_size: _ask, ...older } = TICKER;
    expect(single(older)).not.toHaveProperty('bidQty');
    const { time: _time, trade_id: _trade, last_size: _size, side: _side, ...snapshot } = TICKER;
    expect(single(snapshot)).toMatchObject({ eventTime: RECEIVED, last: '17165.16' });
    expect(single(snapshot)).not.toHaveProperty('lastQty');
  });

  it('treat null optional fields as absent and leave out the change without an open', () => {
    const update = single({
      type: 'ticker',
      product_id: 'X-USD',
      price: '1',
      best_bid: null,
      open_24h: null,
    });
    expect(update).toEqual({
      exchange: 'coinbase',
      symbol: 'COINBASE:X-USD',
      last: '1',
      eventTime: RECEIVED,
      receiveTime: RECEIVED,
      source: 'ws',
    });
  });

  it('leave out the percent change when the open is zero', () => {
    const update = single({ ...TICKER, open_24h: '0' });
    expect(update.change).toBe('17165.16');
    expect(update).not.toHaveProperty('changePct');
  });

  it.each([
    [{ ...TICKER, price: 17165.16 }, /field "price" must be a decimal string/],
    [{ ...TICKER, price: undefined }, /field "price"/],
    [{ ...TICKER, best_bid: '1e5' }, /field "best_bid"/],
    [{ ...TICKER, product_id: 'btc-usd' }, /field "product_id" must be a product id/],
    [{ ...TICKER, product_id: undefined }, /field "product_id" must be a non-empty string/],
    [{ ...TICKER, time: 'yesterday' }, /field "time" must be an ISO-8601 UTC time/],
  ])('reject %j as malformed', (frame, reason) => {
    expectMalformed(frame, reason);
  });
});

describe('Coinbase match messages', () => {
  const MATCH = {
    type: 'match',
    trade_id: 10,
    sequence: 50,
    maker_order_id: 'ac928c66-ca53-498f-9c13-a110027a60e8',
    taker_order_id: '132fb6ae-456b-4654-b4e0-d681ac05cea1',
    time: '2014-11-07T08:19:27.028459Z',
    product_id: 'BTC-USD',
    size: '5.23512',
    price: '400.23',
    side: 'sell',
  };

  it('count a match as exactly one trade', () => {
    expect(single(MATCH)).toEqual({
      exchange: 'coinbase',
      symbol: 'COINBASE:BTC-USD',
      last: '400.23',
      lastQty: '5.23512',
      tradeQty: '5.23512',
      eventTime: Date.UTC(2014, 10, 7, 8, 19, 27, 28),
      receiveTime: RECEIVED,
      source: 'ws',
    });
  });

  it('give last_match, replayed on subscribe, its price but no trade quantity', () => {
    const update = single({ ...MATCH, type: 'last_match' });
    expect(update).toMatchObject({ last: '400.23', lastQty: '5.23512' });
    expect(update).not.toHaveProperty('tradeQty');
  });
});

describe('Coinbase control messages', () => {
  it('read a heartbeat with its product, sequence, last trade id and time', () => {
    expect(
      parse({
        type: 'heartbeat',
        sequence: 90,
        last_trade_id: 20,
        product_id: 'BTC-USD',
        time: '2014-11-07T08:19:28.464459Z',
      }),
    ).toEqual({
      type: 'heartbeat',
      symbol: 'COINBASE:BTC-USD',
      sequence: 90,
      lastTradeId: 20,
      time: Date.UTC(2014, 10, 7, 8, 19, 28, 464),
    });
  });

  it('read a heartbeat without the optional fields', () => {
    expect(parse({ type: 'heartbeat', sequence: 14011426656, product_id: 'BTC-USD' })).toEqual({
      type: 'heartbeat',
      symbol: 'COINBASE:BTC-USD',
      sequence: 14011426656,
    });
  });

  it.each([
    [{ type: 'heartbeat', product_id: 'BTC-USD' }, /field "sequence" must be an integer/],
    [{ type: 'heartbeat', sequence: -1, product_id: 'BTC-USD' }, /non-negative/],
    [{ type: 'heartbeat', sequence: 1, product_id: 'BTC-USD', last_trade_id: 'x' }, /last_trade_id/],
  ])('reject the heartbeat %j as malformed', (frame, reason) => {
    expectMalformed(frame, reason);
  });

  it('read subscriptions as a cumulative ack listing every active stream', () => {
    expect(
      parse({
        type: 'subscriptions',
        channels: [
          { name: 'ticker', product_ids: ['ETH-USD', 'BTC-USD'] },
          { name: 'heartbeat', product_ids: ['BTC-USD'] },
          { name: 'status', product_ids: null },
          'full',
        ],
      }),
    ).toEqual({
      type: 'ack',
      id: null,
      result: [
        { name: 'ticker', product_ids: ['ETH-USD', 'BTC-USD'] },
        { name: 'heartbeat', product_ids: ['BTC-USD'] },
        { name: 'status', product_ids: null },
        'full',
      ],
      streams: ['ticker:ETH-USD', 'ticker:BTC-USD', 'heartbeat:BTC-USD', 'status', 'full'],
    });
  });

  it('read the empty state after the last unsubscribe', () => {
    expect(parse({ type: 'subscriptions', channels: [] })).toMatchObject({ type: 'ack', streams: [] });
  });

  it.each([
    [{ type: 'subscriptions' }, /field "channels" must be an array/],
    [{ type: 'subscriptions', channels: [5] }, /channel 0: expected an object/],
    [{ type: 'subscriptions', channels: [{ product_ids: [] }] }, /field "name"/],
    [{ type: 'subscriptions', channels: [{ name: 'ticker', product_ids: [1] }] }, /product_ids\[0\]/],
  ])('reject the subscriptions %j as malformed', (frame, reason) => {
    expectMalformed(frame, reason);
  });

  it('read errors with a stable code, joining message and reason', () => {
    expect(
      parse({ type: 'error', message: 'Failed to subscribe', reason: 'BTC-XYZ is not a valid product' }),
    ).toEqual({
      type: 'error',
      id: null,
      code: 'COINBASE_SUBSCRIBE_FAILED',
      message: 'Failed to subscribe: BTC-XYZ is not a valid product',
    });
    expect(parse({ type: 'error', message: 'rate limit exceeded' })).toMatchObject({
      code: 'COINBASE_ERROR',
      message: 'rate limit exceeded',
    });
    expect(parse({ type: 'error' })).toMatchObject({ type: 'error', code: 'COINBASE_ERROR' });
  });

  it.each(['l2update', 'snapshot', 'status', 'received', 'open', 'done', 'subscribe', 'constructor'])(
    'ignore the %s message type, as the docs ask',
    (type) => {
      expect(parse({ type })).toEqual({ type: 'ignored', reason: `unhandled message type "${type}"` });
    },
  );

  it.each([
    ['', /empty frame/],
    ['{"type":"ticker"', /invalid JSON/],
    ['[{"type":"ticker"}]', /expected a JSON object/],
    ['{"product_id":"BTC-USD"}', /field "type" must be a string/],
  ])('reject %j as malformed, never throwing', (frame, reason) => {
    expect(() => parse(frame)).not.toThrow();
    expectMalformed(frame, reason);
  });

  it('read already decoded payloads the same way', () => {
    expect(parseCoinbasePayload(TICKER, RECEIVED)).toEqual(parse(TICKER));
  });
});
