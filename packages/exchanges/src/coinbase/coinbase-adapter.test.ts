import { NO_DOCUMENTED_CONNECTION_AGE_LIMIT_MS } from '../exchange-adapter';
import { createCoinbaseAdapter } from './coinbase-adapter';
import { CoinbaseConfigError, CoinbaseRestError } from './errors';
import { COINBASE_DEFAULT_REST_URL, COINBASE_DEFAULT_WS_URL, COINBASE_DOCS_URL } from './limits';
import type { CoinbaseChannel } from './streams';

const RECEIVED = 1_800_000_000_000;

describe('createCoinbaseAdapter', () => {
  it('opens ticker and heartbeat per product by default', () => {
    expect(createCoinbaseAdapter().streamsFor('COINBASE:BTC-USD')).toEqual([
      'ticker:BTC-USD',
      'heartbeat:BTC-USD',
    ]);
  });

  it('adds matches when asked, for exact candle volume', () => {
    const adapter = createCoinbaseAdapter({ channels: ['ticker', 'matches', 'heartbeat'] });
    expect(adapter.streamsFor('COINBASE:ETH-EUR')).toEqual([
      'ticker:ETH-EUR',
      'matches:ETH-EUR',
      'heartbeat:ETH-EUR',
    ]);
  });

  it('promises a message a second on heartbeat streams only (ticker and matches follow trades)', () => {
    const adapter = createCoinbaseAdapter({ channels: ['ticker', 'matches', 'heartbeat'] });
    expect(adapter.streamsFor('COINBASE:BTC-USD').map((stream) => adapter.streamCadenceMs?.(stream))).toEqual(
      [undefined, undefined, 1_000],
    );
  });

  it('refuses an empty or unknown channel list, naming the culprit', () => {
    expect(() => createCoinbaseAdapter({ channels: [] })).toThrow(CoinbaseConfigError);
    expect(() => createCoinbaseAdapter({ channels: ['level2' as CoinbaseChannel] })).toThrow(
      /unknown: "level2"/,
    );
  });

  it('refuses symbols that are not canonical Coinbase symbols', () => {
    const adapter = createCoinbaseAdapter();
    expect(() => adapter.streamsFor('BTC-USD')).toThrow(/write COINBASE:<product id>/);
    expect(() => adapter.streamsFor('BTCUSDT')).toThrow(CoinbaseConfigError);
  });

  it('reports the documented limits, the 5 s subscribe deadline and cumulative acks', () => {
    const adapter = createCoinbaseAdapter();
    expect(adapter.id).toBe('coinbase');
    expect(adapter.docsUrl).toBe(COINBASE_DOCS_URL);
    expect(adapter.subscriptionAcks).toBe('cumulative');
    expect(adapter.limits).toEqual({
      maxStreamsPerConnection: 1_000,
      maxStreamsPerControlFrame: 200,
      maxClientMessagesPerSecond: 8,
      maxConnectsPerWindow: 8,
      connectWindowMs: 1_000,
      maxConnectionAgeMs: NO_DOCUMENTED_CONNECTION_AGE_LIMIT_MS,
      subscribeDeadlineMs: 5_000,
      restRateLimits: [{ maxRequests: 10, windowMs: 1_000 }],
    });
    expect(adapter.limits.maxConnectionsPerKey).toBeUndefined();
  });

  it('connects to the bare feed and subscribes every product in one message as soon as it opens', () => {
    const adapter = createCoinbaseAdapter();
    const streams = ['COINBASE:BTC-USD', 'COINBASE:ETH-USD'].flatMap((symbol) => adapter.streamsFor(symbol));
    expect(adapter.connectUrl(COINBASE_DEFAULT_WS_URL, streams)).toBe('wss://ws-feed.exchange.coinbase.com');
    const next = jest.fn(() => 1);
    expect(adapter.openFrames?.(streams, next)).toEqual([
      '{"type":"subscribe","product_ids":["BTC-USD","ETH-USD"],"channels":["ticker","heartbeat"]}',
    ]);
    expect(adapter.subscribeFrames(streams, next)).toEqual(adapter.openFrames?.(streams, next));
    expect(adapter.unsubscribeFrames(adapter.streamsFor('COINBASE:ETH-USD'), next)).toEqual([
      '{"type":"unsubscribe","product_ids":["ETH-USD"],"channels":["ticker","heartbeat"]}',
    ]);
    expect(next).not.toHaveBeenCalled();
  });

  it('names acknowledged streams the way streamsFor does, so the caller can diff them', () => {
    const adapter = createCoinbaseAdapter();
    const ack = adapter.parse(
      '{"type":"subscriptions","channels":[{"name":"heartbeat","product_ids":["BTC-USD"]},{"name":"ticker","product_ids":["BTC-USD"]}]}',
      RECEIVED,
    );
    expect(ack.type === 'ack' && [...(ack.streams ?? [])].sort()).toEqual(
      [...adapter.streamsFor('COINBASE:BTC-USD')].sort(),
    );
  });

  it('maps symbols both ways', () => {
    const adapter = createCoinbaseAdapter();
    expect(adapter.toCanonicalSymbol?.('BTC-USD')).toBe('COINBASE:BTC-USD');
    expect(adapter.toExchangeSymbol?.('COINBASE:BTC-USD')).toBe('BTC-USD');
    expect(adapter.toExchangeSymbol?.('FINNHUB:COINBASE:BTC-USD')).toBeUndefined();
  });

  it('polls one product ticker per symbol and parses each by its request', () => {
    const adapter = createCoinbaseAdapter();
    const requests = adapter.restTickerRequests?.(COINBASE_DEFAULT_REST_URL, [
      'COINBASE:BTC-USD',
      'COINBASE:ETH-USD',
    ]);
    expect(requests?.map((request) => [request.url, request.symbols])).toEqual([
      ['https://api.exchange.coinbase.com/products/BTC-USD/ticker', ['COINBASE:BTC-USD']],
      ['https://api.exchange.coinbase.com/products/ETH-USD/ticker', ['COINBASE:ETH-USD']],
    ]);
    const [update] =
      adapter.parseRestTickerResponse?.(
        requests![1]!,
        '{"price":"2000.5","time":"2024-01-01T00:00:00Z"}',
        RECEIVED,
      ) ?? [];
    expect(update).toMatchObject({ symbol: 'COINBASE:ETH-USD', last: '2000.5', source: 'rest' });
    expect(() =>
      adapter.parseRestTickerResponse?.({ url: '', headers: {}, symbols: [] }, '{}', RECEIVED),
    ).toThrow(CoinbaseRestError);
  });

  it('offers the one-request REST members only for a single symbol', () => {
    const adapter = createCoinbaseAdapter();
    expect(adapter.restTickersUrl(COINBASE_DEFAULT_REST_URL, ['COINBASE:BTC-USD'])).toBe(
      'https://api.exchange.coinbase.com/products/BTC-USD/ticker',
    );
    expect(() => adapter.restTickersUrl(COINBASE_DEFAULT_REST_URL, [])).toThrow(
      expect.objectContaining({ code: 'COINBASE_UNSUPPORTED_REQUEST' }),
    );
    expect(() => adapter.parseRestTickers({ price: '1' }, RECEIVED)).toThrow(/restTickerRequests/);
    expect(adapter.restRetryDelayMs?.(429, {}, 0)).toBe(1_000);
  });
});
