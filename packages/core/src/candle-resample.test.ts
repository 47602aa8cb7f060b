import { resampleCandles } from './candle-resample';
import type { Candle } from './candles';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const hour = (n: number, open: string, high: string, low: string, close: string, volume: string): Candle => ({
  symbol: 'COINBASE:BTC-USD',
  interval: '1h',
  openTime: DAY + n * HOUR,
  closeTime: DAY + (n + 1) * HOUR - 1,
  open,
  high,
  low,
  close,
  volume,
  ticks: 0,
});

describe('resampleCandles', () => {
  it('folds 1h candles into 4h ones aligned to UTC, exactly, a missing hour changing nothing', () => {
    const hours = [
      hour(5, '10.5', '12', '10.1', '11', '0.1'), // 04:00-08:00: hours 4 and 6-7 had no trades
      hour(0, '10', '10.25', '9.5', '10.2', '1.5'),
      hour(1, '10.2', '11', '10', '10.9', '0.25'),
      hour(3, '10.9', '10.95', '8.75', '9', '0.000000001'),
    ];
    expect(resampleCandles(hours, '4h')).toEqual([
      {
        symbol: 'COINBASE:BTC-USD',
        interval: '4h',
        openTime: DAY,
        closeTime: DAY + 4 * HOUR - 1,
        open: '10',
        high: '11',
        low: '8.75',
        close: '9',
        volume: '1.750000001',
        ticks: 0,
      },
      {
        symbol: 'COINBASE:BTC-USD',
        interval: '4h',
        openTime: DAY + 4 * HOUR,
        closeTime: DAY + 8 * HOUR - 1,
        open: '10.5',
        high: '12',
        low: '10.1',
        close: '11',
        volume: '0.1',
        ticks: 0,
      },
    ]);
  });

  it('refuses candles it cannot fold exactly', () => {
    const fiveMinutes: Candle = {
      ...hour(0, '1', '1', '1', '1', '1'),
      interval: '5m',
      closeTime: DAY + 299_999,
    };
    expect(() => resampleCandles([hour(0, '1', '1', '1', '1', '1')], '15m')).toThrow(/does not divide/);
    expect(() => resampleCandles([fiveMinutes, { ...fiveMinutes, symbol: 'X' }], '1h')).toThrow(/together/);
    expect(() => resampleCandles([fiveMinutes, fiveMinutes], '1h')).toThrow(/two 5m candles/);
  });
});
