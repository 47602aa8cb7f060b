import { canonicalSymbol } from '@tickwire/core';
import { finnhubToSymbol, symbolToFinnhub } from './symbols';

describe('Finnhub symbols', () => {
  it.each([
    ['AAPL', 'FINNHUB:AAPL'],
    ['A', 'FINNHUB:A'],
    ['BRK.B', 'FINNHUB:BRK.B'],
    ['0700.HK', 'FINNHUB:0700.HK'],
    ['BINANCE:BTCUSDT', 'FINNHUB:BINANCE:BTCUSDT'],
    ['COINBASE:BTC-USD', 'FINNHUB:COINBASE:BTC-USD'],
    ['OANDA:EUR_USD', 'FINNHUB:OANDA:EUR_USD'],
    ['FOREX.COM:EUR/USD', 'FINNHUB:FOREX.COM:EUR/USD'],
    ['IC MARKETS:1', 'FINNHUB:IC_MARKETS:1'],
  ])('map %s to %s and back', (finnhubSymbol, symbol) => {
    expect(finnhubToSymbol(finnhubSymbol)).toBe(symbol);
    expect(symbolToFinnhub(symbol)).toBe(finnhubSymbol);
    expect(canonicalSymbol(symbol)).toBe(symbol);
  });

  it.each([
    'aapl',
    '^GSPC',
    'IC  MARKETS:1',
    ' AAPL',
    'AAPL ',
    'IC MARKETS :1',
    ':AAPL',
    'A:B:C',
    '',
    'X'.repeat(33),
  ])('refuse %j, which a canonical symbol cannot carry', (finnhubSymbol) => {
    expect(finnhubToSymbol(finnhubSymbol)).toBeUndefined();
  });

  it('accept 32 characters, the most a 40-character canonical symbol leaves', () => {
    expect(finnhubToSymbol('X'.repeat(32))).toBe(`FINNHUB:${'X'.repeat(32)}`);
  });

  it('refuse symbols of other exchanges and underscores that would not map back', () => {
    for (const symbol of [
      'AAPL',
      'BTCUSDT',
      'COINBASE:BTC-USD',
      'FINNHUB:',
      'FINNHUB:IC__MARKETS:1',
      'FINNHUB:_IC:1',
    ]) {
      expect(symbolToFinnhub(symbol)).toBeUndefined();
    }
  });
});
