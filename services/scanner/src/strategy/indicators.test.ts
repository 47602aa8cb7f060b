/**
 * The indicators strategies read, checked against values computed by hand here (independent
 * arithmetic, not the library) and against a published reference series.
 */
import type { Candle } from '@tickwire/core';
import { CandleSeries, type IndicatorSpec } from './candle-series';

function candle(index: number, close: number | string, volume: number | string = 1): Candle {
  const openTime = 1_763_712_000_000 + index * 60_000;
  return {
    symbol: 'BTCUSDT',
    interval: '1m',
    openTime,
    closeTime: openTime + 59_999,
    open: String(close),
    high: String(close),
    low: String(close),
    close: String(close),
    volume: String(volume),
    ticks: 1,
  };
}

function readings(
  closes: readonly number[],
  spec: IndicatorSpec,
  volumes?: readonly number[],
): (number | null)[] {
  const series = new CandleSeries();
  series.track(spec, false);
  return closes.map((close, i) => {
    series.addClosed(candle(i, close, volumes?.[i] ?? 1));
    return series.view(false).indicator(spec).current;
  });
}

/** Wilder's RSI as he defined it: first averages are plain means of `period` changes, then smoothed by 1/period. */
function wilderRsi(closes: readonly number[], period: number): (number | null)[] {
  const out: (number | null)[] = [null];
  let avgGain = 0;
  let avgLoss = 0;
  for (let i = 1; i < closes.length; i++) {
    const change = closes[i]! - closes[i - 1]!;
    const gain = Math.max(change, 0);
    const loss = Math.max(-change, 0);
    if (i < period) {
      avgGain += gain;
      avgLoss += loss;
      out.push(null);
      continue;
    }
    if (i === period) {
      avgGain = (avgGain + gain) / period;
      avgLoss = (avgLoss + loss) / period;
    } else {
      avgGain = (avgGain * (period - 1) + gain) / period;
      avgLoss = (avgLoss * (period - 1) + loss) / period;
    }
    out.push(avgLoss === 0 ? 100 : 100 - 100 / (1 + avgGain / avgLoss));
  }
  return out;
}

// The 14-period RSI worked example of StockCharts' ChartSchool ("Relative Strength Index"),
// closes of its spreadsheet and the RSI values it publishes (rounded to 2 decimals).
const REFERENCE_CLOSES = [
  44.3389, 44.0902, 44.1497, 43.6124, 44.3278, 44.8264, 45.0955, 45.4245, 45.8433, 46.0826, 45.8931, 46.0328,
  45.614, 46.282, 46.282, 46.0028, 46.0328, 46.4116, 46.2222, 45.6439, 46.2122, 46.2521, 45.7137, 46.4515,
  45.7835, 45.3548, 44.0288, 44.1783, 44.2181, 44.5672, 43.4205, 42.6628, 43.1314,
];
const REFERENCE_RSI = [
  70.53, 66.32, 66.55, 69.41, 66.36, 57.97, 62.93, 63.26, 56.06, 62.38, 54.71, 50.42, 39.99, 41.46, 41.87,
  45.46, 37.3, 33.08, 37.77,
];

describe('indicators on closed candles', () => {
  it('computes the simple moving average of the last N closes, and nothing before N candles', () => {
    expect(readings([1, 2, 3, 4, 10], { kind: 'sma', source: 'close', period: 3 })).toEqual([
      null,
      null,
      2,
      3,
      17 / 3,
    ]);
  });

  it('computes the exponential moving average with weight 2/(N+1), seeded with the first close', () => {
    const closes = [10, 11, 12, 13, 20];
    const k = 2 / (3 + 1);
    const hand: number[] = [];
    closes.forEach((close, i) => hand.push(i === 0 ? close : close * k + hand[i - 1]! * (1 - k)));
    const values = readings(closes, { kind: 'ema', source: 'close', period: 3 });
    // Not reported until N closes were seen.
    expect(values.slice(0, 2)).toEqual([null, null]);
    values.slice(2).forEach((value, i) => expect(value).toBeCloseTo(hand[i + 2]!, 10));
  });

  it("computes Wilder's RSI exactly as the hand computation does", () => {
    const values = readings(REFERENCE_CLOSES, { kind: 'rsi', source: 'close', period: 14 });
    const hand = wilderRsi(REFERENCE_CLOSES, 14);
    expect(values.slice(0, 14).every((v) => v === null)).toBe(true);
    expect(values.length).toBe(hand.length);
    values.slice(14).forEach((value, i) => expect(value).toBeCloseTo(hand[i + 14]!, 9));
  });

  it('matches the published 14-period RSI reference series to two decimals', () => {
    const values = readings(REFERENCE_CLOSES, { kind: 'rsi', source: 'close', period: 14 }).slice(14);
    expect(values).toHaveLength(REFERENCE_RSI.length);
    values.forEach((value, i) => expect(Math.abs(value! - REFERENCE_RSI[i]!)).toBeLessThan(0.006));
  });

  it('averages volumes over the last N candles', () => {
    const volumes = [5, 7, 9, 100];
    const values = readings([1, 1, 1, 1], { kind: 'sma', source: 'volume', period: 3 }, volumes);
    expect(values).toEqual([null, null, 7, (7 + 9 + 100) / 3]);
  });

  it('gives an indicator tracked late the same values as one tracked from the start', () => {
    const spec: IndicatorSpec = { kind: 'rsi', source: 'close', period: 14 };
    const late = new CandleSeries();
    REFERENCE_CLOSES.forEach((close, i) => late.addClosed(candle(i, close)));
    late.track(spec, false);
    const early = readings(REFERENCE_CLOSES, spec);
    expect(late.view(false).indicator(spec).current).toBe(early.at(-1));
    expect(late.view(false).indicator(spec).previous).toBe(early.at(-2));
  });
});

describe('the open candle', () => {
  const spec: IndicatorSpec = { kind: 'sma', source: 'close', period: 3 };

  it('is seen by the live view only, and its updates replace each other instead of piling up', () => {
    const series = new CandleSeries();
    series.track(spec, true);
    [1, 2, 3].forEach((close, i) => series.addClosed(candle(i, close)));
    series.setOpen(candle(3, 30));
    series.setOpen(candle(3, 6));
    expect(series.view(false).indicator(spec)).toEqual({ current: 2, previous: null });
    expect(series.view(true).indicator(spec)).toEqual({ current: (2 + 3 + 6) / 3, previous: 2 });
    expect(series.view(true).current?.close).toBe('6');
  });

  it('leaves the closed values exactly as if the open candle had never been seen once it closes', () => {
    const withOpen = new CandleSeries();
    withOpen.track(spec, true);
    const plain = new CandleSeries();
    plain.track(spec, false);
    [1, 2, 3].forEach((close, i) => {
      withOpen.addClosed(candle(i, close));
      plain.addClosed(candle(i, close));
    });
    withOpen.setOpen(candle(3, 50));
    withOpen.addClosed(candle(3, 4));
    plain.addClosed(candle(3, 4));
    expect(withOpen.view(false).indicator(spec)).toEqual(plain.view(false).indicator(spec));
    expect(withOpen.view(true).indicator(spec)).toEqual(plain.view(false).indicator(spec));
    // The next open candle starts from the closed history, not from the discarded open value.
    withOpen.setOpen(candle(4, 5));
    expect(withOpen.view(true).indicator(spec).current).toBe((3 + 4 + 5) / 3);
  });

  it('recovers when an open candle never closed and the next one starts', () => {
    const series = new CandleSeries();
    series.track(spec, true);
    [1, 2, 3].forEach((close, i) => series.addClosed(candle(i, close)));
    series.setOpen(candle(3, 100));
    series.setOpen(candle(4, 6));
    // Candle 3's close was missed: the live view holds the closed history plus the new open candle.
    expect(series.view(true).indicator(spec).current).toBe((2 + 3 + 6) / 3);
  });

  it('refuses a closed candle it already has, or one older than the last', () => {
    const series = new CandleSeries();
    series.track(spec, false);
    expect(series.addClosed(candle(0, 1))).toBe('added');
    expect(series.addClosed(candle(1, 2))).toBe('added');
    expect(series.addClosed(candle(1, 2))).toBe('duplicate');
    expect(series.addClosed(candle(0, 1))).toBe('out-of-order');
    expect(series.closedCount()).toBe(2);
  });
});
