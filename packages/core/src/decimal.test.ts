import {
  addDecimal,
  compareDecimal,
  divideDecimal,
  isDecimalString,
  maxDecimal,
  percentChange,
  subtractDecimal,
} from './decimal';
import { mergeTicker, type TickerUpdate } from './ticker';

describe('decimal strings', () => {
  it('survive a trip through a ticker and JSON byte for byte', () => {
    const values = [
      '0.10000000',
      '9318.48000000',
      '0.00000001',
      '123456789.12345678',
      '1e-7'.replace('1e-7', '0.00000010'),
    ];
    for (const value of values) {
      const update: TickerUpdate = {
        exchange: 'binance',
        symbol: 'X',
        last: value,
        eventTime: 1,
        receiveTime: 2,
      };
      const wire = JSON.stringify(mergeTicker(undefined, update));
      expect((JSON.parse(wire) as { last: string }).last).toBe(value);
      expect(wire).toContain(`"last":"${value}"`);
    }
  });

  it('recognizes plain decimals only', () => {
    for (const good of ['0', '0.10000000', '-1.5', '29010.90000000'])
      expect(isDecimalString(good)).toBe(true);
    for (const bad of ['', '1e5', '.5', '5.', 'NaN', ' 1', '1,5', '0x10', 12 as unknown as string]) {
      expect(isDecimalString(bad)).toBe(false);
    }
  });

  it('adds and subtracts exactly where floats would not', () => {
    expect(addDecimal('0.1', '0.2')).toBe('0.3');
    expect(addDecimal('0.10000000', '0.20000000')).toBe('0.30000000');
    expect(subtractDecimal('9318.48000000', '9383.48000000')).toBe('-65.00000000');
    expect(subtractDecimal('0.0010', '0.0025')).toBe('-0.0015');
    expect(addDecimal('99999999999999999.99999999', '0.00000001')).toBe('100000000000000000.00000000');
  });

  it('compares numerically regardless of trailing zeros and returns inputs unchanged', () => {
    expect(compareDecimal('1.0', '1')).toBe(0);
    expect(compareDecimal('-0.5', '0.1')).toBe(-1);
    expect(maxDecimal('29010.90000000', '29010.9')).toBe('29010.90000000');
  });

  it('divides with half-away-from-zero rounding and refuses zero divisors', () => {
    expect(divideDecimal('1', '3', 4)).toBe('0.3333');
    expect(divideDecimal('2', '3', 4)).toBe('0.6667');
    expect(divideDecimal('-2', '3', 4)).toBe('-0.6667');
    expect(divideDecimal('1', '0', 4)).toBeUndefined();
  });

  it('computes percent change like Binance reports it (3 decimals)', () => {
    // The docs' 24hrTicker example: open 0.0010, last 0.0025 -> +150 %.
    expect(percentChange('0.0010', '0.0025')).toBe('150.000');
    // A real BTCUSDT ticker: open 9383.48, last 9318.48 -> -0.693 %.
    expect(percentChange('9383.48000000', '9318.48000000')).toBe('-0.693');
    expect(percentChange('0', '1')).toBeUndefined();
  });
});

describe('mergeTicker', () => {
  it('keeps fields an update does not carry, and never carries a trade quantity forward', () => {
    const first = mergeTicker(undefined, {
      exchange: 'binance',
      symbol: 'BTCUSDT',
      last: '1.00',
      tradeQty: '0.5',
      eventTime: 10,
      receiveTime: 11,
    });
    const second = mergeTicker(first, {
      exchange: 'binance',
      symbol: 'BTCUSDT',
      bid: '0.99',
      ask: '1.01',
      eventTime: 9,
      receiveTime: 12,
    });
    expect(second).toMatchObject({ last: '1.00', bid: '0.99', ask: '1.01', receiveTime: 12, source: 'ws' });
    expect(second.tradeQty).toBeUndefined();
    expect(second.eventTime).toBe(10);
  });

  it('starts afresh when the origin changes (an asset switched sources): no field of the old source stays', () => {
    const fromCoinbase = mergeTicker(undefined, {
      exchange: 'coinbase',
      symbol: 'BTC-USD',
      origin: 'COINBASE:BTC-USD',
      last: '100.00',
      bid: '99.99',
      eventTime: 20,
      receiveTime: 21,
    });
    const fromBinance = mergeTicker(fromCoinbase, {
      exchange: 'binance',
      symbol: 'BTC-USD',
      origin: 'BTCUSDT',
      last: '100.50',
      eventTime: 10,
      receiveTime: 22,
    });
    expect(fromBinance).toEqual({
      exchange: 'binance',
      symbol: 'BTC-USD',
      origin: 'BTCUSDT',
      last: '100.50',
      eventTime: 10,
      receiveTime: 22,
      source: 'ws',
    });
  });
});
