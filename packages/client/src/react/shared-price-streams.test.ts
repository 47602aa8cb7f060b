import { waitFor } from '@tickwire/testkit';
import { SharedPriceStreams, streamOptionsKey } from './shared-price-streams';

const LINGER_MS = 30;
// A port nothing listens on: these streams watch no symbols, so they never connect.
const options = { baseUrl: 'http://127.0.0.1:9' };

describe('SharedPriceStreams', () => {
  let streams: SharedPriceStreams;
  beforeEach(() => (streams = new SharedPriceStreams(LINGER_MS)));
  afterEach(() => streams.closeAll());

  it('gives every holder of equal options the same stream, and closes it once the last lets go', async () => {
    const key = streamOptionsKey(options);
    const first = streams.hold(key, options);
    const second = streams.hold(streamOptionsKey({ ...options }), { ...options });
    expect(second.stream).toBe(first.stream);
    expect(streams.size).toBe(1);

    first.release();
    first.release(); // idempotent: the second holder still holds it
    await new Promise((resolve) => setTimeout(resolve, LINGER_MS * 3));
    expect(streams.size).toBe(1);

    second.release();
    await waitFor(() => streams.size === 0, { timeoutMs: 2_000, what: 'the stream to be closed' });
    // Closed for good: it no longer takes readers.
    expect(first.stream.watch(['BTCUSDT'])).toBeInstanceOf(Function);
    expect(first.stream.getSnapshot().symbols).toEqual([]);
  });

  it('keeps a stream let go and taken again within the linger (a StrictMode remount)', async () => {
    const key = streamOptionsKey(options);
    const first = streams.hold(key, options);
    first.release();
    const again = streams.hold(key, options);
    expect(again.stream).toBe(first.stream);
    await new Promise((resolve) => setTimeout(resolve, LINGER_MS * 3));
    expect(streams.size).toBe(1);
    again.release();
    await waitFor(() => streams.size === 0, { timeoutMs: 2_000, what: 'the stream to be closed' });
  });

  it('closes a stream a render asked for but no component ever held', async () => {
    streams.get(streamOptionsKey(options), options);
    expect(streams.size).toBe(1);
    await waitFor(() => streams.size === 0, { timeoutMs: 2_000, what: 'the unheld stream to be closed' });
  });

  it('makes a new stream for options held after the old one was closed', async () => {
    const key = streamOptionsKey(options);
    const first = streams.hold(key, options);
    first.release();
    await waitFor(() => streams.size === 0, { timeoutMs: 2_000, what: 'the stream to be closed' });
    const next = streams.hold(key, options);
    expect(next.stream).not.toBe(first.stream);
    next.release();
  });
});

describe('streamOptionsKey', () => {
  it('is equal for equal options, whatever the order of their keys, and tells functions apart by identity', () => {
    const refresh = () => undefined;
    const a = { baseUrl: 'http://x', auth: { apiKey: 'k', refresh }, headers: { a: '1', b: '2' } };
    const b = { headers: { b: '2', a: '1' }, auth: { refresh, apiKey: 'k' }, baseUrl: 'http://x' };
    expect(streamOptionsKey(a)).toBe(streamOptionsKey(b));
    expect(streamOptionsKey({ ...a, auth: { apiKey: 'k', refresh: () => undefined } })).not.toBe(
      streamOptionsKey(a),
    );
    expect(streamOptionsKey({ baseUrl: 'http://x', throttleMs: undefined })).toBe(
      streamOptionsKey({ baseUrl: 'http://x' }),
    );
    expect(streamOptionsKey({ baseUrl: 'http://x', throttleMs: 100 })).not.toBe(
      streamOptionsKey({ baseUrl: 'http://x' }),
    );
  });
});
