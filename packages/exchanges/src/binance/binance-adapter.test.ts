import { BinanceConfigError } from './errors';
import { BINANCE_DEFAULT_REST_URL, BINANCE_DEFAULT_WS_URL, BINANCE_DOCS_URL } from './limits';
import { createBinanceAdapter } from './binance-adapter';
import type { BinanceStreamKind } from './urls';

describe('createBinanceAdapter', () => {
  it('opens aggTrade and ticker streams per symbol by default', () => {
    expect(createBinanceAdapter().streamsFor('BTCUSDT')).toEqual(['btcusdt@aggTrade', 'btcusdt@ticker']);
  });

  it('opens the configured stream kinds instead', () => {
    const adapter = createBinanceAdapter({ streams: ['bookTicker', 'kline_1m', 'miniTicker'] });
    expect(adapter.streamsFor('ethbtc')).toEqual([
      'ethbtc@bookTicker',
      'ethbtc@kline_1m',
      'ethbtc@miniTicker',
    ]);
  });

  it('gives the documented update speed of pushed streams and none for event streams', () => {
    const adapter = createBinanceAdapter();
    const cadences = [
      'ticker',
      'miniTicker',
      'kline_1s',
      'kline_1m',
      'kline_1M',
      'aggTrade',
      'trade',
      'bookTicker',
    ].map((kind) => adapter.streamCadenceMs?.(`btcusdt@${kind}`));
    expect(cadences).toEqual([1_000, 1_000, 1_000, 2_000, 2_000, undefined, undefined, undefined]);
  });

  it('refuses an empty or unknown stream list, naming the culprit', () => {
    expect(() => createBinanceAdapter({ streams: [] })).toThrow(BinanceConfigError);
    expect(() => createBinanceAdapter({ streams: ['depth' as BinanceStreamKind] })).toThrow(
      /unknown: "depth"/,
    );
  });

  it('reports the documented limits and its docs', () => {
    const adapter = createBinanceAdapter();
    expect(adapter.id).toBe('binance');
    expect(adapter.docsUrl).toBe(BINANCE_DOCS_URL);
    expect(adapter.limits).toEqual({
      maxStreamsPerConnection: 1024,
      maxStreamsPerControlFrame: 200,
      maxClientMessagesPerSecond: 5,
      maxConnectsPerWindow: 300,
      connectWindowMs: 300_000,
      maxConnectionAgeMs: 86_400_000,
    });
  });

  it('exports the production endpoints', () => {
    expect(BINANCE_DEFAULT_WS_URL).toBe('wss://stream.binance.com:9443');
    expect(BINANCE_DEFAULT_REST_URL).toBe('https://api.binance.com');
  });

  it('wires URLs, frames and parsers end to end', () => {
    const adapter = createBinanceAdapter();
    const streams = ['BTCUSDT', 'ETHUSDT'].flatMap((symbol) => adapter.streamsFor(symbol));
    expect(adapter.connectUrl(BINANCE_DEFAULT_WS_URL, streams)).toBe(
      'wss://stream.binance.com:9443/stream?streams=btcusdt@aggTrade/btcusdt@ticker/ethusdt@aggTrade/ethusdt@ticker',
    );
    let id = 0;
    expect(adapter.subscribeFrames(streams, () => ++id)).toHaveLength(1);
    expect(adapter.unsubscribeFrames(streams, () => ++id)[0]).toContain('"id":2');
    expect(adapter.restTickersUrl(BINANCE_DEFAULT_REST_URL, ['BTCUSDT'])).toBe(
      'https://api.binance.com/api/v3/ticker/24hr?symbol=BTCUSDT',
    );
    expect(adapter.parse('{"result":null,"id":1}', 5)).toEqual({ type: 'ack', id: 1, result: null });
    expect(adapter.parseRestTickers({ symbol: 'BTCUSDT', price: '1.0' }, 5)[0]?.last).toBe('1.0');
  });
});
