import { canonicalSymbol } from '@tickwire/core';
import { coinbaseProductToSymbol, isCoinbaseProductId, symbolToCoinbaseProduct } from './symbols';

describe('Coinbase symbols', () => {
  it.each(['BTC-USD', 'BAND-GBP', '1INCH-USD', 'USDT-USDC', 'SKL-BTC'])(
    'map %s to COINBASE:<product id> and back',
    (productId) => {
      const symbol = coinbaseProductToSymbol(productId);
      expect(symbol).toBe(`COINBASE:${productId}`);
      expect(symbolToCoinbaseProduct(symbol!)).toBe(productId);
    },
  );

  it('produce symbols core already considers canonical', () => {
    const symbol = coinbaseProductToSymbol('BTC-USD')!;
    expect(canonicalSymbol(symbol)).toBe(symbol);
  });

  it.each([
    'btc-usd',
    'BTCUSD',
    'BTC-USD-X',
    '-USD',
    'BTC-',
    'BTC USD',
    `${'A'.repeat(20)}-${'B'.repeat(11)}`,
    '',
  ])('refuse %j as a product id', (productId) => {
    expect(isCoinbaseProductId(productId)).toBe(false);
    expect(coinbaseProductToSymbol(productId)).toBeUndefined();
  });

  it('refuse symbols of other exchanges and malformed Coinbase symbols', () => {
    for (const symbol of [
      'BTCUSDT',
      'BTC-USD',
      'FINNHUB:COINBASE:BTC-USD',
      'COINBASE:',
      'COINBASE:btc-usd',
    ]) {
      expect(symbolToCoinbaseProduct(symbol)).toBeUndefined();
    }
  });
});
