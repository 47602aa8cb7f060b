import { binanceRetryDelayMs, binanceTicker24hrWeight, binanceUsedWeight1m } from './rest-weights';

describe('Binance REST weights', () => {
  it('prices ticker/24hr by the documented symbol-count steps', () => {
    expect([1, 20, 21, 100, 101].map(binanceTicker24hrWeight)).toEqual([2, 2, 40, 40, 80]);
  });

  it('reads the used weight from the lower-case headers Binance sends', () => {
    expect(binanceUsedWeight1m({ 'x-mbx-used-weight-1m': '42' })).toBe(42);
    expect(binanceUsedWeight1m({ 'x-mbx-used-weight': '7' })).toBe(7);
    expect(binanceUsedWeight1m({ 'x-mbx-used-weight-1m': 'lots' })).toBeUndefined();
    expect(binanceUsedWeight1m({})).toBeUndefined();
  });

  it('waits Retry-After seconds after 429 and 418, a full minute without the header', () => {
    expect(binanceRetryDelayMs(429, { 'retry-after': '3' })).toBe(3_000);
    expect(binanceRetryDelayMs(418, { 'retry-after': '120' })).toBe(120_000);
    expect(binanceRetryDelayMs(429, {})).toBe(60_000);
    expect(binanceRetryDelayMs(500, { 'retry-after': '3' })).toBeUndefined();
  });
});
