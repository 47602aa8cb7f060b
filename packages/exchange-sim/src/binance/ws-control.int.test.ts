import { TestClient } from '../test-support/ws-test-client';
import { useSimFixture } from '../test-support/sim-fixture';

const { start, connect } = useSimFixture();

/** The next frame that is not market data (responses are bare objects with result or error). */
function nextResponse(client: TestClient): Promise<string> {
  return client.next((t) => t.startsWith('{"result"') || t.startsWith('{"error"'));
}

describe('live subscription control', () => {
  it('answers SUBSCRIBE, LIST_SUBSCRIPTIONS and UNSUBSCRIBE like Binance', async () => {
    await start({ tradesPerSecond: 50 });
    const client = await connect('/stream');
    client.send({ method: 'SUBSCRIBE', params: ['btcusdt@aggTrade', 'ethusdt@trade'], id: 1 });
    expect(await nextResponse(client)).toBe('{"result":null,"id":1}');
    await client.nextJson((m) => m.stream === 'btcusdt@aggTrade');
    client.send({ method: 'LIST_SUBSCRIPTIONS', id: 3 });
    expect(await nextResponse(client)).toBe('{"result":["btcusdt@aggTrade","ethusdt@trade"],"id":3}');
    client.send({ method: 'UNSUBSCRIBE', params: ['btcusdt@aggTrade'], id: 312 });
    expect(await nextResponse(client)).toBe('{"result":null,"id":312}');
    const after = await client.collectUntil(
      (fs) => fs.some((t) => t.includes('"stream":"ethusdt@trade"')),
      'an ethusdt trade',
      300,
    );
    expect(after.some((t) => t.includes('"stream":"btcusdt@aggTrade"'))).toBe(false);
    expect(after.some((t) => t.includes('"stream":"ethusdt@trade"'))).toBe(true);
  });

  it('switches a raw connection to the combined envelope with SET_PROPERTY and reports it with GET_PROPERTY', async () => {
    await start({ tradesPerSecond: 50 });
    const client = await connect('/ws/btcusdt@trade');
    client.send({ method: 'GET_PROPERTY', params: ['combined'], id: 2 });
    expect(await nextResponse(client)).toBe('{"result":false,"id":2}');
    client.send({ method: 'SET_PROPERTY', params: ['combined', true], id: 5 });
    expect(await nextResponse(client)).toBe('{"result":null,"id":5}');
    expect((await client.nextJson((m) => 'stream' in m)).data.e).toBe('trade');
    client.send({ method: 'GET_PROPERTY', params: ['combined'], id: 6 });
    expect(await nextResponse(client)).toBe('{"result":true,"id":6}');
  });

  it('echoes int64, string and null ids verbatim', async () => {
    await start({ tradesPerSecond: 0 });
    const client = await connect('/ws');
    client.send('{"method":"LIST_SUBSCRIPTIONS","id":9223372036854775807}');
    expect(await nextResponse(client)).toBe('{"result":[],"id":9223372036854775807}');
    client.send({ method: 'LIST_SUBSCRIPTIONS', id: '3f7df6e3-2df4-44b9-9919-d2f38f90a99a' });
    expect(await nextResponse(client)).toBe('{"result":[],"id":"3f7df6e3-2df4-44b9-9919-d2f38f90a99a"}');
    client.send({ method: 'LIST_SUBSCRIPTIONS', id: null });
    expect(await nextResponse(client)).toBe('{"result":[],"id":null}');
  });

  it('answers invalid JSON with code 3 and no id at all', async () => {
    await start({ tradesPerSecond: 0 });
    const client = await connect('/ws');
    client.send('');
    expect(await nextResponse(client)).toBe(
      '{"error":{"code":3,"msg":"Invalid JSON: EOF while parsing a value"}}',
    );
    client.send('{"method":"SUBSCRIBE",');
    const error = JSON.parse(await nextResponse(client)) as object;
    expect(Object.keys(error)).toEqual(['error']);
    expect(error).toMatchObject({ error: { code: 3 } });
    expect(client.isOpen).toBe(true);
  });

  it('answers malformed requests with nested code 2 errors and the request id', async () => {
    // Seven requests in a burst: lift the 5/s limit, which has its own test.
    await start({ tradesPerSecond: 0, maxIncomingPerSecond: 100 });
    const client = await connect('/ws');
    client.send({ params: ['btcusdt@trade'] });
    expect(await nextResponse(client)).toBe(
      '{"error":{"code":2,"msg":"Invalid request: missing field `method`"},"id":null}',
    );
    client.send({ method: 'FOO', id: 7 });
    const unknown = JSON.parse(await nextResponse(client)) as {
      error: { code: number; msg: string };
      id: number;
    };
    expect(unknown.error.code).toBe(2);
    expect(unknown.error.msg).toMatch(/^Invalid request: unknown variant `FOO`, expected one of `SUBSCRIBE`/);
    expect(unknown.id).toBe(7);
    client.send({ method: 'SUBSCRIBE', params: 'btcusdt@trade', id: 8 });
    expect(await nextResponse(client)).toMatch(
      /^\{"error":\{"code":2,"msg":"Invalid request: .*"\},"id":8\}$/,
    );
    client.send({ method: 'LIST_SUBSCRIPTIONS', id: 1.5 });
    expect(await nextResponse(client)).toMatch(
      /^\{"error":\{"code":2,"msg":"Invalid request: request ID .*"\},"id":null\}$/,
    );
    client.send({ method: 'SET_PROPERTY', params: ['colour', true], id: 9 });
    expect(await nextResponse(client)).toBe('{"error":{"code":0,"msg":"Unknown property"},"id":9}');
    client.send({ method: 'SET_PROPERTY', params: ['combined', 'yes'], id: 10 });
    expect(await nextResponse(client)).toBe(
      '{"error":{"code":1,"msg":"Invalid value type: expected Boolean"},"id":10}',
    );
  });
});

describe('stream limits', () => {
  it('accepts 1024 streams per connection and answers code 4 to the 1025th', async () => {
    const sim = await start({ tradesPerSecond: 0 });
    const client = await connect('/ws');
    const streams = Array.from({ length: 1024 }, (_, i) => `sym${i}usdt@trade`);
    client.send({ method: 'SUBSCRIBE', params: streams, id: 1 });
    expect(await nextResponse(client)).toBe('{"result":null,"id":1}');
    client.send({ method: 'SUBSCRIBE', params: ['btcusdt@trade'], id: 19 });
    expect(await nextResponse(client)).toBe('{"error":{"code":4,"msg":"Too many subscriptions"},"id":19}');
    expect(client.isOpen).toBe(true);
    expect(sim.stats().subscriptions).toBe(1024);
  });

  it('closes with 1008 when the URL names more streams than allowed', async () => {
    const s = await start({ tradesPerSecond: 0 });
    const streams = Array.from({ length: 1025 }, (_, i) => `sym${i}usdt@trade`).join('/');
    const client = await connect(`/stream?streams=${streams}`);
    expect((await client.closed).code).toBe(1008);
    expect(s.stats().closed1008).toBe(1);
  });

  it('honours a smaller maxStreamsPerConnection on SUBSCRIBE without adding any stream', async () => {
    await start({ tradesPerSecond: 0, maxStreamsPerConnection: 3 });
    const client = await connect('/ws/btcusdt@trade');
    client.send({ method: 'SUBSCRIBE', params: ['ethusdt@trade', 'bnbusdt@trade', 'solusdt@trade'], id: 2 });
    expect(await nextResponse(client)).toBe('{"error":{"code":4,"msg":"Too many subscriptions"},"id":2}');
    client.send({ method: 'LIST_SUBSCRIPTIONS', id: 3 });
    expect(await nextResponse(client)).toBe('{"result":["btcusdt@trade"],"id":3}');
  });
});

describe('unknown streams', () => {
  it('keeps a connection with only unknown streams open and silent by default', async () => {
    await start({ tradesPerSecond: 50 });
    const client = await connect('/stream?streams=xrpxrp@miniTicker');
    client.send({ method: 'SUBSCRIBE', params: ['btcusdt@nosuchstream'], id: 1 });
    expect(await nextResponse(client)).toBe('{"result":null,"id":1}');
    expect(await client.collect(400)).toEqual([]);
    expect(client.isOpen).toBe(true);
  });

  it("answers an unknown stream in the URL with an error naming it, then closes, in 'error-close' mode", async () => {
    await start({ unknownStreamMode: 'error-close' });
    const client = await connect('/stream?streams=btcusdt@trade/000usdt@trade');
    expect(await nextResponse(client)).toBe(
      '{"error":{"code":2,"msg":"Invalid request: invalid stream","data":"000usdt@trade"},"id":null}',
    );
    expect((await client.closed).code).toBe(1008);
  });

  it("answers a SUBSCRIBE to an unknown stream with its id, then closes, in 'error-close' mode", async () => {
    await start({ unknownStreamMode: 'error-close' });
    const client = await connect('/ws');
    client.send({ method: 'SUBSCRIBE', params: ['btcusdt@trade', 'BTCUSDT@trade'], id: 1 });
    expect(await nextResponse(client)).toBe(
      '{"error":{"code":2,"msg":"Invalid request: invalid stream","data":"BTCUSDT@trade"},"id":1}',
    );
    expect((await client.closed).code).toBe(1008);
  });
});
