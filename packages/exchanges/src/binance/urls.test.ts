import { BinanceConfigError } from './errors';
import { BINANCE_MAX_STREAMS_PER_CONNECTION } from './limits';
import {
  BINANCE_ALL_MINI_TICKERS_STREAM,
  BINANCE_KLINE_INTERVALS,
  combinedStreamUrl,
  exchangeInfoUrl,
  isBinanceStreamKind,
  streamName,
  ticker24hrUrl,
  tickerPriceUrl,
} from './urls';
import type { BinanceStreamKind } from './urls';

function expectConfigError(run: () => unknown, code: string): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(BinanceConfigError);
  expect((thrown as BinanceConfigError).code).toBe(code);
}

describe('streamName', () => {
  it('lowercases the symbol and keeps the kind spelled as Binance spells it', () => {
    expect(streamName('BTCUSDT', 'ticker')).toBe('btcusdt@ticker');
    expect(streamName('BTCUSDT', 'miniTicker')).toBe('btcusdt@miniTicker');
    expect(streamName('BTCUSDT', 'bookTicker')).toBe('btcusdt@bookTicker');
    expect(streamName('BTCUSDT', 'trade')).toBe('btcusdt@trade');
    expect(streamName('EthBtc', 'aggTrade')).toBe('ethbtc@aggTrade');
  });

  it('builds kline streams for every documented interval, keeping 1M and 1m apart', () => {
    for (const interval of BINANCE_KLINE_INTERVALS) {
      expect(streamName('BNBBTC', `kline_${interval}`)).toBe(`bnbbtc@kline_${interval}`);
    }
    expect(streamName('BNBBTC', 'kline_1M')).not.toBe(streamName('BNBBTC', 'kline_1m'));
  });

  it('rejects kline intervals Binance does not offer, including a wrongly cased one', () => {
    for (const kind of ['kline_2m', 'kline_1H', 'kline_1D', 'kline_', 'kline', 'Ticker', 'depth']) {
      expect(isBinanceStreamKind(kind)).toBe(false);
      expectConfigError(
        () => streamName('BTCUSDT', kind as BinanceStreamKind),
        'BINANCE_INVALID_STREAM_KIND',
      );
    }
  });

  it('rejects symbols that would break a stream list or a URL', () => {
    for (const symbol of ['', 'BTC USDT', 'BTC/USDT', 'btc@usdt', 'BTC&X', '!miniTicker']) {
      expectConfigError(() => streamName(symbol, 'ticker'), 'BINANCE_INVALID_SYMBOL');
    }
  });

  it('names the all-market mini ticker stream as the docs do', () => {
    expect(BINANCE_ALL_MINI_TICKERS_STREAM).toBe('!miniTicker@arr');
  });
});

describe('combinedStreamUrl', () => {
  it('joins streams with slashes after /stream?streams=', () => {
    expect(combinedStreamUrl('wss://stream.binance.com:9443', ['btcusdt@aggTrade', 'btcusdt@ticker'])).toBe(
      'wss://stream.binance.com:9443/stream?streams=btcusdt@aggTrade/btcusdt@ticker',
    );
  });

  it('tolerates a trailing slash and a local ws:// simulator base', () => {
    expect(combinedStreamUrl('ws://127.0.0.1:1234/', ['a@trade'])).toBe(
      'ws://127.0.0.1:1234/stream?streams=a@trade',
    );
    expect(combinedStreamUrl('wss://stream.binance.com:9443///', ['a@trade'])).toBe(
      'wss://stream.binance.com:9443/stream?streams=a@trade',
    );
  });

  it('replaces a base that already ends in /ws or /stream instead of nesting paths', () => {
    expect(combinedStreamUrl('wss://stream.testnet.binance.vision/ws', ['a@trade'])).toBe(
      'wss://stream.testnet.binance.vision/stream?streams=a@trade',
    );
    expect(combinedStreamUrl('ws://127.0.0.1:1234/stream/', [])).toBe('ws://127.0.0.1:1234/stream');
  });

  it('opens a bare /stream when there are no streams yet', () => {
    expect(combinedStreamUrl('wss://stream.binance.com:9443', [])).toBe(
      'wss://stream.binance.com:9443/stream',
    );
  });

  it('keeps the all-market array stream name verbatim', () => {
    expect(combinedStreamUrl('ws://h:1', [BINANCE_ALL_MINI_TICKERS_STREAM])).toBe(
      'ws://h:1/stream?streams=!miniTicker@arr',
    );
  });

  it('sends a duplicated stream once', () => {
    expect(combinedStreamUrl('ws://h:1', ['a@trade', 'b@trade', 'a@trade'])).toBe(
      'ws://h:1/stream?streams=a@trade/b@trade',
    );
  });

  it('accepts exactly 1024 streams and refuses 1025 with a clear error', () => {
    const streams = Array.from({ length: BINANCE_MAX_STREAMS_PER_CONNECTION + 1 }, (_, i) => `s${i}@trade`);
    expect(BINANCE_MAX_STREAMS_PER_CONNECTION).toBe(1024);
    const url = combinedStreamUrl('ws://h:1', streams.slice(0, 1024));
    expect(url.split('=')[1]?.split('/')).toHaveLength(1024);
    expectConfigError(() => combinedStreamUrl('ws://h:1', streams), 'BINANCE_TOO_MANY_STREAMS');
    expect(() => combinedStreamUrl('ws://h:1', streams)).toThrow(/1025 streams .* limit is 1024/);
  });

  it('rejects a base URL that is not a ws:// or wss:// base', () => {
    for (const base of ['https://api.binance.com', 'stream.binance.com:9443', 'wss://h/?x=1', 'nonsense']) {
      expectConfigError(() => combinedStreamUrl(base, ['a@trade']), 'BINANCE_INVALID_BASE_URL');
    }
  });

  it('rejects stream names that would corrupt the stream list', () => {
    for (const stream of ['', 'a@trade/b@trade', 'a@trade&x=1', 'a trade']) {
      expectConfigError(() => combinedStreamUrl('ws://h:1', [stream]), 'BINANCE_INVALID_SYMBOL');
    }
  });
});

describe('REST URLs', () => {
  it('asks for one symbol with symbol=, uppercased', () => {
    expect(ticker24hrUrl('https://api.binance.com', ['btcusdt'])).toBe(
      'https://api.binance.com/api/v3/ticker/24hr?symbol=BTCUSDT',
    );
  });

  it('asks for several symbols with a URL-encoded JSON array in symbols=', () => {
    const url = ticker24hrUrl('https://api.binance.com/', ['BTCUSDT', 'bnbusdt']);
    expect(url).toBe(
      'https://api.binance.com/api/v3/ticker/24hr?symbols=%5B%22BTCUSDT%22%2C%22BNBUSDT%22%5D',
    );
    expect(JSON.parse(new URL(url).searchParams.get('symbols') ?? '')).toEqual(['BTCUSDT', 'BNBUSDT']);
  });

  it('asks for every symbol when given none, and adds type= when asked', () => {
    expect(ticker24hrUrl('http://127.0.0.1:8080', [])).toBe('http://127.0.0.1:8080/api/v3/ticker/24hr');
    expect(ticker24hrUrl('http://127.0.0.1:8080', ['A', 'B'], { type: 'MINI' })).toBe(
      'http://127.0.0.1:8080/api/v3/ticker/24hr?symbols=%5B%22A%22%2C%22B%22%5D&type=MINI',
    );
  });

  it('collapses duplicate symbols so one symbol still uses symbol=', () => {
    expect(ticker24hrUrl('https://api.binance.com', ['BTCUSDT', 'btcusdt'])).toBe(
      'https://api.binance.com/api/v3/ticker/24hr?symbol=BTCUSDT',
    );
  });

  it('builds the price and exchangeInfo URLs the same way', () => {
    expect(tickerPriceUrl('https://api.binance.com', ['LTCBTC', 'ETHBTC'])).toBe(
      'https://api.binance.com/api/v3/ticker/price?symbols=%5B%22LTCBTC%22%2C%22ETHBTC%22%5D',
    );
    expect(exchangeInfoUrl('https://api.binance.com')).toBe('https://api.binance.com/api/v3/exchangeInfo');
    expect(exchangeInfoUrl('https://api.binance.com', ['BNBBTC'])).toBe(
      'https://api.binance.com/api/v3/exchangeInfo?symbol=BNBBTC',
    );
  });

  it('rejects a REST base with a WebSocket scheme', () => {
    expectConfigError(
      () => ticker24hrUrl('wss://stream.binance.com:9443', ['BTCUSDT']),
      'BINANCE_INVALID_BASE_URL',
    );
  });
});
