import { createMassiveAdapter } from './massive-adapter';
import { MassiveConfigError } from './errors';

describe('createMassiveAdapter', () => {
  it('subscribes T, Q and AM on the real-time host and no quotes on the delayed one', () => {
    expect(createMassiveAdapter({ apiKey: 'k', feed: 'realtime' }).streamsFor('MASSIVE:AAPL')).toEqual([
      'T.AAPL',
      'Q.AAPL',
      'AM.AAPL',
    ]);
    expect(createMassiveAdapter({ apiKey: 'k', feed: 'delayed' }).streamsFor('MASSIVE:AAPL')).toEqual([
      'T.AAPL',
      'AM.AAPL',
    ]);
  });

  it('with feed auto, starts on the real-time host and steps down to the delayed one at its auth_failed', () => {
    const adapter = createMassiveAdapter({
      apiKey: 'k',
      feed: 'auto',
      delayedWsBaseUrl: 'ws://127.0.0.1:2/',
    });
    const streams = adapter.streamsFor('MASSIVE:AAPL');
    expect(streams).toEqual(['T.AAPL', 'Q.AAPL', 'AM.AAPL']);
    expect(adapter.socketFeed?.()).toBe('realtime');
    expect(adapter.connectUrl('ws://127.0.0.1:1', [])).toBe('ws://127.0.0.1:1/stocks');
    // Other error frames are not about the plan: no step down.
    expect(adapter.stepDownSocket?.({ code: 'MASSIVE_MAX_CONNECTIONS', message: 'max_connections' })).toBe(
      false,
    );
    const refusal = {
      code: 'MASSIVE_AUTH_FAILED',
      message: "auth_failed: Your plan doesn't include real-time data.",
    };
    expect(adapter.stepDownSocket?.(refusal)).toBe(true);
    expect(adapter.socketFeed?.()).toBe('delayed');
    expect(adapter.connectUrl('ws://127.0.0.1:1', [])).toBe('ws://127.0.0.1:2/stocks');
    // The delayed host has no quotes: frames to it leave them out.
    expect(adapter.openFrames?.(streams, () => 1)).toEqual([
      '{"action":"subscribe","params":"T.AAPL,AM.AAPL"}',
    ]);
    expect(adapter.unsubscribeFrames(streams, () => 1)).toEqual([
      '{"action":"unsubscribe","params":"T.AAPL,AM.AAPL"}',
    ]);
    // Nothing below the delayed host: its refusal is for socketRefusal to judge.
    expect(adapter.stepDownSocket?.(refusal)).toBe(false);
  });

  it('never steps down from a feed set by hand', () => {
    for (const feed of ['realtime', 'delayed'] as const) {
      const adapter = createMassiveAdapter({ apiKey: 'k', feed });
      expect(adapter.stepDownSocket?.({ code: 'MASSIVE_AUTH_FAILED', message: 'auth_failed' })).toBe(false);
      expect(adapter.socketFeed?.()).toBe(feed);
    }
  });

  it('opens <host>/stocks and sends auth, then comma-list subscriptions', () => {
    const adapter = createMassiveAdapter({ apiKey: 'secret', feed: 'delayed' });
    expect(adapter.connectUrl('wss://delayed.massive.com', [])).toBe('wss://delayed.massive.com/stocks');
    const streams = ['MASSIVE:AAPL', 'MASSIVE:MSFT'].flatMap((s) => adapter.streamsFor(s));
    expect(adapter.sessionFrames?.()).toEqual(['{"action":"auth","params":"secret"}']);
    expect(adapter.subscribeFrames(streams, () => 1)).toEqual([
      '{"action":"subscribe","params":"T.AAPL,AM.AAPL,T.MSFT,AM.MSFT"}',
    ]);
    expect(adapter.unsubscribeFrames(['T.MSFT'], () => 1)).toEqual([
      '{"action":"unsubscribe","params":"T.MSFT"}',
    ]);
  });

  it('asks the snapshot for every symbol in one request, the key in a header, never in the URL', () => {
    const adapter = createMassiveAdapter({ apiKey: 'secret' });
    const symbols = Array.from(
      { length: 50 },
      (_, i) => `MASSIVE:T${String.fromCharCode(65 + (i % 26))}${i}`,
    );
    const requests = adapter.restTickerRequests?.('https://api.massive.com', symbols) ?? [];
    expect(requests).toHaveLength(1);
    expect(requests[0]?.url).toBe(
      `https://api.massive.com/v2/snapshot/locale/us/markets/stocks/tickers?tickers=${symbols.map((s) => s.slice(8)).join(',')}`,
    );
    expect(requests[0]?.headers).toMatchObject({ Authorization: 'Bearer secret' });
    expect(requests[0]?.url).not.toContain('secret');
  });

  it('pages the reference tickers on the configured base, with the key again', () => {
    const adapter = createMassiveAdapter({ apiKey: 'secret' });
    const list = adapter.symbolList!;
    const [first] = list.requests('http://127.0.0.1:9000');
    expect(first?.url).toBe(
      'http://127.0.0.1:9000/v3/reference/tickers?market=stocks&active=true&limit=1000',
    );
    const body =
      '{"status":"OK","results":[],"next_url":"https://api.massive.com/v3/reference/tickers?cursor=abc"}';
    expect(list.nextPage?.(first!, body, 'http://127.0.0.1:9000')).toEqual({
      url: 'http://127.0.0.1:9000/v3/reference/tickers?cursor=abc',
      headers: expect.objectContaining({ Authorization: 'Bearer secret' }),
    });
    expect(list.nextPage?.(first!, '{"status":"OK","results":[]}', 'http://127.0.0.1:9000')).toBeUndefined();
  });

  it('budgets 5 REST calls a minute on the free plan', () => {
    expect(createMassiveAdapter({ apiKey: 'k', restCallsPerMinute: 5 }).limits.restRateLimits).toEqual([
      { maxRequests: 5, windowMs: 60_000 },
    ]);
    expect(createMassiveAdapter({ apiKey: 'k' }).limits.maxConnectionsPerKey).toBe(1);
  });

  it('refuses a missing key and foreign symbols', () => {
    expect(() => createMassiveAdapter({ apiKey: '' })).toThrow(MassiveConfigError);
    expect(() => createMassiveAdapter({ apiKey: 'k' }).streamsFor('FINNHUB:AAPL')).toThrow(
      MassiveConfigError,
    );
  });

  it('tells a plan refusal from a wrong key, on the socket and on REST', () => {
    const adapter = createMassiveAdapter({ apiKey: 'k' });
    const refusal = "auth_failed: Your plan doesn't include websocket access.";
    expect(adapter.socketRefusal?.({ code: 'MASSIVE_AUTH_FAILED', message: refusal })).toBe(refusal);
    // A wrong key can be fixed without changing the plan: keep retrying (with backoff).
    expect(
      adapter.socketRefusal?.({ code: 'MASSIVE_AUTH_FAILED', message: 'auth_failed: authentication failed' }),
    ).toBeUndefined();
    const forbidden =
      '{"status":"NOT_AUTHORIZED","request_id":"x","message":"You are not entitled to this data."}';
    expect(adapter.restTickerRefusal?.(403, forbidden)).toBe('You are not entitled to this data.');
    expect(adapter.restTickerRefusal?.(429, '{"status":"ERROR","error":"maximum requests"}')).toBeUndefined();
    expect(adapter.restTickerRefusal?.(403, '<html>')).toBeUndefined();
  });

  it('asks the market status with the key in a header', () => {
    const request = createMassiveAdapter({ apiKey: 'secret' }).marketStatus?.request(
      'https://api.massive.com',
    );
    expect(request).toEqual({
      url: 'https://api.massive.com/v1/marketstatus/now',
      headers: expect.objectContaining({ Authorization: 'Bearer secret' }),
    });
  });
});
