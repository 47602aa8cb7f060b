import { NO_DOCUMENTED_CONNECTION_AGE_LIMIT_MS } from '../exchange-adapter';
import { FinnhubConfigError, FinnhubRestError } from './errors';
import { createFinnhubAdapter } from './finnhub-adapter';
import { FINNHUB_DEFAULT_REST_URL, FINNHUB_DEFAULT_WS_URL, FINNHUB_DOCS_URL } from './limits';

const RECEIVED = 1_800_000_000_000;
const TOKEN = 'secret-key';

describe('createFinnhubAdapter', () => {
  it('refuses to start without an API key or with counts out of range', () => {
    expect(() => createFinnhubAdapter({ token: '' })).toThrow(FinnhubConfigError);
    expect(() => createFinnhubAdapter({ token: TOKEN, maxSymbols: 0 })).toThrow(/maxSymbols/);
    expect(() => createFinnhubAdapter({ token: TOKEN, restCallsPerMinute: 1.5 })).toThrow(
      /restCallsPerMinute/,
    );
  });

  it('reports the free plan limits, one connection per key and no acknowledgements', () => {
    const adapter = createFinnhubAdapter({ token: TOKEN });
    expect(adapter.id).toBe('finnhub');
    expect(adapter.docsUrl).toBe(FINNHUB_DOCS_URL);
    expect(adapter.subscriptionAcks).toBe('none');
    expect(adapter.limits).toEqual({
      maxStreamsPerConnection: 50,
      maxStreamsPerControlFrame: 1,
      maxClientMessagesPerSecond: 30,
      maxConnectsPerWindow: 1,
      connectWindowMs: 1_000,
      maxConnectionAgeMs: NO_DOCUMENTED_CONNECTION_AGE_LIMIT_MS,
      maxConnectionsPerKey: 1,
      restRateLimits: [
        { maxRequests: 60, windowMs: 60_000 },
        { maxRequests: 30, windowMs: 1_000 },
      ],
    });
  });

  it('takes a paid plan limits from the options', () => {
    const adapter = createFinnhubAdapter({ token: TOKEN, maxSymbols: 500, restCallsPerMinute: 300 });
    expect(adapter.limits.maxStreamsPerConnection).toBe(500);
    expect(adapter.limits.restRateLimits?.[0]).toEqual({ maxRequests: 300, windowMs: 60_000 });
  });

  it('never exposes the key as a property', () => {
    expect(JSON.stringify(createFinnhubAdapter({ token: TOKEN }))).not.toContain(TOKEN);
  });

  it('opens one stream per canonical symbol and refuses symbols of other exchanges', () => {
    const adapter = createFinnhubAdapter({ token: TOKEN });
    expect(adapter.streamsFor('FINNHUB:AAPL')).toEqual(['AAPL']);
    expect(adapter.streamsFor('FINNHUB:IC_MARKETS:1')).toEqual(['IC MARKETS:1']);
    expect(() => adapter.streamsFor('AAPL')).toThrow(/write FINNHUB:<Finnhub symbol>/);
    expect(() => adapter.streamsFor('BINANCE:BTCUSDT')).toThrow(FinnhubConfigError);
    // Trades only, and pings at no documented interval: no stream promises a cadence.
    expect(adapter.streamCadenceMs).toBeUndefined();
  });

  it('connects with the key in the URL and subscribes every symbol as soon as the socket opens', () => {
    const adapter = createFinnhubAdapter({ token: TOKEN });
    const streams = ['FINNHUB:AAPL', 'FINNHUB:BINANCE:BTCUSDT'].flatMap((symbol) =>
      adapter.streamsFor(symbol),
    );
    expect(adapter.connectUrl(FINNHUB_DEFAULT_WS_URL, streams)).toBe(`wss://ws.finnhub.io/?token=${TOKEN}`);
    const next = jest.fn(() => 1);
    expect(adapter.openFrames?.(streams, next)).toEqual([
      '{"type":"subscribe","symbol":"AAPL"}',
      '{"type":"subscribe","symbol":"BINANCE:BTCUSDT"}',
    ]);
    expect(adapter.subscribeFrames(streams, next)).toEqual(adapter.openFrames?.(streams, next));
    expect(adapter.unsubscribeFrames(['AAPL'], next)).toEqual(['{"type":"unsubscribe","symbol":"AAPL"}']);
    expect(next).not.toHaveBeenCalled();
  });

  it('parses frames to canonical symbols and maps symbols both ways', () => {
    const adapter = createFinnhubAdapter({ token: TOKEN });
    const message = adapter.parse('{"data":[{"p":1.5,"s":"AAPL","t":1,"v":2}],"type":"trade"}', RECEIVED);
    expect(message.type === 'tickers' && message.updates[0]?.symbol).toBe('FINNHUB:AAPL');
    expect(adapter.toCanonicalSymbol?.('BINANCE:BTCUSDT')).toBe('FINNHUB:BINANCE:BTCUSDT');
    expect(adapter.toExchangeSymbol?.('FINNHUB:BINANCE:BTCUSDT')).toBe('BINANCE:BTCUSDT');
    expect(adapter.toExchangeSymbol?.('BTCUSDT')).toBeUndefined();
  });

  it('polls one quote per symbol with the key in a header, and parses each by its request', () => {
    const adapter = createFinnhubAdapter({ token: TOKEN });
    const requests = adapter.restTickerRequests?.(FINNHUB_DEFAULT_REST_URL, [
      'FINNHUB:AAPL',
      'FINNHUB:SPY',
      'FINNHUB:AAPL',
    ]);
    expect(requests).toEqual([
      {
        url: 'https://finnhub.io/api/v1/quote?symbol=AAPL',
        headers: { 'X-Finnhub-Token': TOKEN },
        symbols: ['FINNHUB:AAPL'],
      },
      {
        url: 'https://finnhub.io/api/v1/quote?symbol=SPY',
        headers: { 'X-Finnhub-Token': TOKEN },
        symbols: ['FINNHUB:SPY'],
      },
    ]);
    const [update] =
      adapter.parseRestTickerResponse?.(
        requests![1]!,
        '{"c":376.66,"d":-4.74,"dp":-1.2428,"t":1672261200}',
        RECEIVED,
      ) ?? [];
    expect(update).toMatchObject({ symbol: 'FINNHUB:SPY', last: '376.66', source: 'rest' });
    expect(() =>
      adapter.parseRestTickerResponse?.({ url: '', headers: {}, symbols: [] }, '{}', RECEIVED),
    ).toThrow(FinnhubRestError);
  });

  it('offers the one-request REST members only for a single symbol, with the key in the query', () => {
    const adapter = createFinnhubAdapter({ token: TOKEN });
    expect(adapter.restTickersUrl(FINNHUB_DEFAULT_REST_URL, ['FINNHUB:AAPL'])).toBe(
      `https://finnhub.io/api/v1/quote?symbol=AAPL&token=${TOKEN}`,
    );
    expect(() => adapter.restTickersUrl(FINNHUB_DEFAULT_REST_URL, ['FINNHUB:AAPL', 'FINNHUB:SPY'])).toThrow(
      expect.objectContaining({ code: 'FINNHUB_UNSUPPORTED_REQUEST' }),
    );
    expect(() => adapter.parseRestTickers({ c: 1 }, RECEIVED)).toThrow(/restTickerRequests/);
  });

  it('tells the caller how long to back off after a 429', () => {
    const adapter = createFinnhubAdapter({ token: TOKEN });
    expect(adapter.restRetryDelayMs?.(429, {}, 59_000)).toBe(1_000);
    expect(adapter.restRetryDelayMs?.(503, {}, 59_000)).toBeUndefined();
  });
});
