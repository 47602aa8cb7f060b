import { canonicalSymbol } from '@tickwire/core';
import type { ExchangeId } from '@tickwire/core';
import { fromCanonicalSymbol, resolveSymbol, toCanonicalSymbol } from './symbol-namespace';

describe('canonical symbols', () => {
  it.each([
    ['binance', 'BTCUSDT', 'BTCUSDT'],
    ['coinbase', 'BTC-USD', 'COINBASE:BTC-USD'],
    ['finnhub', 'AAPL', 'FINNHUB:AAPL'],
    ['finnhub', 'BINANCE:BTCUSDT', 'FINNHUB:BINANCE:BTCUSDT'],
    ['finnhub', 'IC MARKETS:1', 'FINNHUB:IC_MARKETS:1'],
  ] as const)('name %s %s as %s, and lead back to the same exchange and name', (exchange, name, symbol) => {
    expect(toCanonicalSymbol(exchange, name)).toBe(symbol);
    expect(fromCanonicalSymbol(symbol)).toEqual({ exchange, exchangeSymbol: name });
    expect(canonicalSymbol(symbol)).toBe(symbol);
  });

  it('keep Binance symbols bare, as existing clients use them', () => {
    expect(toCanonicalSymbol('binance', 'ETHBTC')).toBe('ETHBTC');
    expect(fromCanonicalSymbol('ETHBTC')).toEqual({ exchange: 'binance', exchangeSymbol: 'ETHBTC' });
  });

  it('keep the same pair on two venues apart', () => {
    const symbols = [
      toCanonicalSymbol('binance', 'BTCUSDT'),
      toCanonicalSymbol('coinbase', 'BTC-USDT'),
      toCanonicalSymbol('finnhub', 'BINANCE:BTCUSDT'),
      toCanonicalSymbol('finnhub', 'COINBASE:BTC-USDT'),
    ];
    expect(new Set(symbols).size).toBe(4);
  });

  it('refuse names an exchange does not use and strings that are not canonical', () => {
    expect(toCanonicalSymbol('binance', 'BTC-USD')).toBeUndefined();
    expect(toCanonicalSymbol('coinbase', 'BTCUSD')).toBeUndefined();
    expect(toCanonicalSymbol('finnhub', 'aapl')).toBeUndefined();
    for (const symbol of ['BINANCE:BTCUSDT', 'BTC-USD', 'KRAKEN:XBTUSD', 'btcusdt', '']) {
      expect(fromCanonicalSymbol(symbol)).toBeUndefined();
    }
  });
});

describe('resolveSymbol', () => {
  it.each<[string, ExchangeId, string | undefined]>([
    ['btcusdt', 'binance', 'BTCUSDT'],
    [' BTCUSDT ', 'coinbase', undefined],
    ['binance:btcusdt', 'finnhub', 'BTCUSDT'],
    ['BTC-USD', 'coinbase', 'COINBASE:BTC-USD'],
    ['coinbase:btc-usd', 'binance', 'COINBASE:BTC-USD'],
    ['BTC-USD', 'binance', undefined],
    ['AAPL', 'finnhub', 'FINNHUB:AAPL'],
    ['finnhub:aapl', 'binance', 'FINNHUB:AAPL'],
    ['OANDA:EUR_USD', 'finnhub', 'FINNHUB:OANDA:EUR_USD'],
    ['IC MARKETS:1', 'finnhub', 'FINNHUB:IC_MARKETS:1'],
    ['IC_MARKETS:1', 'finnhub', 'FINNHUB:IC_MARKETS:1'],
    ['FINNHUB:IC MARKETS:1', 'binance', 'FINNHUB:IC_MARKETS:1'],
    ['FINNHUB:BINANCE:BTCUSDT', 'binance', 'FINNHUB:BINANCE:BTCUSDT'],
    ['coinbase:btcusd', 'coinbase', undefined],
    ['', 'binance', undefined],
  ])('resolves %j with default %s to %j', (input, defaultExchange, expected) => {
    expect(resolveSymbol(input, defaultExchange)).toBe(expected);
  });

  it('lets an exchange prefix win over the default, so a string means one thing in every cluster', () => {
    // Finnhub's own name for its Binance relay must carry the FINNHUB: prefix.
    expect(resolveSymbol('BINANCE:BTCUSDT', 'finnhub')).toBe('BTCUSDT');
    expect(resolveSymbol('COINBASE:BTC-USD', 'finnhub')).toBe('COINBASE:BTC-USD');
  });

  it('returns canonical symbols unchanged', () => {
    for (const symbol of ['BTCUSDT', 'COINBASE:BTC-USD', 'FINNHUB:AAPL', 'FINNHUB:IC_MARKETS:1']) {
      expect(resolveSymbol(symbol, 'binance')).toBe(symbol);
    }
  });
});

describe('Massive symbols', () => {
  it('are MASSIVE:<ticker>, resolved from any case, a prefix, or the default exchange', () => {
    expect(toCanonicalSymbol('massive', 'AAPL')).toBe('MASSIVE:AAPL');
    expect(fromCanonicalSymbol('MASSIVE:BRK.A')).toEqual({ exchange: 'massive', exchangeSymbol: 'BRK.A' });
    expect(resolveSymbol(' massive:aapl ', 'binance')).toBe('MASSIVE:AAPL');
    expect(resolveSymbol('msft', 'massive')).toBe('MASSIVE:MSFT');
    // Finnhub's AAPL and Massive's AAPL stay two symbols.
    expect(resolveSymbol('AAPL', 'finnhub')).not.toBe(resolveSymbol('AAPL', 'massive'));
    expect(resolveSymbol('MASSIVE:BTC-USD', 'binance')).toBeUndefined();
  });
});
