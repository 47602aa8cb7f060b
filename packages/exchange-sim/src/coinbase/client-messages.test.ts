import { parseCoinbaseClientMessage } from './client-messages';

const listed = new Set(['BTC-USD', 'ETH-USD', 'ETH-EUR', 'ETH-BTC']);
const parse = (message: object | string): ReturnType<typeof parseCoinbaseClientMessage> =>
  parseCoinbaseClientMessage(typeof message === 'string' ? message : JSON.stringify(message), (id) =>
    listed.has(id),
  );

describe('Coinbase client messages', () => {
  it("reads both subscribe forms; a channel object takes its own products and the top-level ones (the docs' example)", () => {
    const message = parse({
      type: 'subscribe',
      product_ids: ['ETH-USD', 'ETH-EUR'],
      channels: ['heartbeat', { name: 'ticker', product_ids: ['ETH-BTC', 'ETH-USD'] }],
    });
    expect(message).toEqual({
      kind: 'subscribe',
      pairs: [
        { channel: 'heartbeat', productId: 'ETH-USD' },
        { channel: 'heartbeat', productId: 'ETH-EUR' },
        { channel: 'ticker', productId: 'ETH-BTC' },
        { channel: 'ticker', productId: 'ETH-USD' },
        { channel: 'ticker', productId: 'ETH-EUR' },
      ],
    });
  });

  it('refuses a whole subscribe on its first problem, with the reasons Coinbase gives', () => {
    const reason = (message: object): unknown => {
      const parsed = parse(message);
      return parsed.kind === 'error' ? JSON.parse(parsed.response).reason : parsed;
    };
    expect(
      reason({ type: 'subscribe', product_ids: ['BTC-USD', 'GIBBERISH-USD'], channels: ['ticker'] }),
    ).toBe('GIBBERISH-USD is not a valid product');
    expect(reason({ type: 'subscribe', channels: ['heartbeat'] })).toBe(
      'You need to specify at least one product ID for channel heartbeat',
    );
    expect(reason({ type: 'subscribe', product_ids: ['BTC-USD'], channels: ['full'] })).toBe(
      'full is not a valid channel',
    );
    expect(reason({ type: 'subscribe', product_ids: ['BTC-USD'] })).toBe(
      'You must specify at least one channel',
    );
    expect(reason({ type: 'subscribe', product_ids: 'BTC-USD', channels: ['ticker'] })).toBe(
      'product_ids must be an array of product id strings',
    );
  });

  it('reads an unsubscribe without products as leaving the channel, ignoring what it does not know', () => {
    expect(
      parse({
        type: 'unsubscribe',
        channels: ['heartbeat', 'level2', { name: 'ticker', product_ids: ['NOPE-USD'] }],
      }),
    ).toEqual({
      kind: 'unsubscribe',
      pairs: [{ channel: 'ticker', productId: 'NOPE-USD' }],
      wholeChannels: ['heartbeat'],
    });
  });

  it('marks frames that are not requests as malformed', () => {
    for (const frame of ['{"type":', '[]', '42', '{"type":"hello"}']) {
      expect(parse(frame)).toMatchObject({ kind: 'error', malformed: true });
    }
    expect(parse('{"type":')).toEqual({
      kind: 'error',
      response: '{"type":"error","message":"Malformed JSON"}',
      malformed: true,
    });
  });
});
