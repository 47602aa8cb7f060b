import type { Candle } from '@tickwire/core';
import { CandleSeries } from './candle-series';
import { evaluate, indicatorsOf } from './evaluate';
import { parseStrategyDocument, type StrategyDocument } from './strategy-document';

function candle(index: number, close: number | string, volume: number | string = 1): Candle {
  const openTime = 1_763_712_000_000 + index * 3_600_000;
  const text = String(close);
  return {
    symbol: 'BTCUSDT',
    interval: '1h',
    openTime,
    closeTime: openTime + 3_599_999,
    open: text,
    high: text,
    low: text,
    close: text,
    volume: String(volume),
    ticks: 1,
  };
}

function strategy(when: unknown, extra: Record<string, unknown> = {}): StrategyDocument {
  const parsed = parseStrategyDocument({ name: 'test', interval: '1h', when, ...extra });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.value;
}

/** Feeds closes one by one and records on which candle indexes the strategy was met. */
function firings(doc: StrategyDocument, closes: readonly number[], volumes?: readonly number[]): number[] {
  const series = new CandleSeries();
  for (const spec of indicatorsOf(doc.when)) series.track(spec, doc.openCandle);
  const met: number[] = [];
  closes.forEach((close, i) => {
    series.addClosed(candle(i, close, volumes?.[i] ?? 1));
    if (evaluate(doc.when, series.view(false)).met) met.push(i);
  });
  return met;
}

describe('evaluating strategies on closed candles', () => {
  it('compares the close with a price exactly, as decimals', () => {
    const doc = strategy({ type: 'price', op: 'above', value: '0.30000000000000001' });
    expect(firings(doc, [0.3, 0.31])).toEqual([1]);
  });

  it('measures the change over N candles in percent', () => {
    const doc = strategy({ type: 'change', candles: 2, op: 'above', percent: 10 });
    // 100 -> 105 -> 111 is +11 % over two candles; 105 -> 111 -> 112 is +6.7 %.
    expect(firings(doc, [100, 105, 111, 112])).toEqual([2]);
  });

  it('fires a moving-average cross on the candle where it happens, not on the ones after', () => {
    const doc = strategy({
      type: 'cross',
      fast: { ma: 'sma', period: 2 },
      slow: { ma: 'sma', period: 4 },
      direction: 'up',
    });
    // sma2 / sma4 after each candle: 3:  -, 4: 9.5/9.75 (below), 5: 10.5/9.75 (above: the cross), 6: above.
    expect(firings(doc, [10, 10, 10, 9, 10, 11, 12])).toEqual([5]);
  });

  it('reads the RSI and waits until it can be computed', () => {
    const rising = Array.from({ length: 20 }, (_, i) => 100 + i);
    const doc = strategy({ type: 'rsi', period: 14, op: 'above', value: 70 });
    // Only rises: RSI 100 from the 15th candle (index 14) on, never before.
    expect(firings(doc, rising)).toEqual([14, 15, 16, 17, 18, 19]);
  });

  it('compares with below as strictly as with above', () => {
    expect(firings(strategy({ type: 'price', op: 'below', value: '50' }), [60, 49.99, 50])).toEqual([1]);
    // 100 -> 95 -> 89 is -11 % over two candles; 95 -> 89 -> 88 is -7.4 %.
    const falling = strategy({ type: 'change', candles: 2, op: 'below', percent: -10 });
    expect(firings(falling, [100, 95, 89, 88])).toEqual([2]);
    // Only falls: RSI 0 from the 15th candle on.
    const oversold = strategy({ type: 'rsi', period: 14, op: 'below', value: 30 });
    expect(
      firings(
        oversold,
        Array.from({ length: 20 }, (_, i) => 200 - i),
      ),
    ).toEqual([14, 15, 16, 17, 18, 19]);
  });

  it('fires an EMA over SMA cross up and then down, on the candles where they happen', () => {
    const cross = (direction: 'up' | 'down') =>
      strategy({ type: 'cross', fast: { ma: 'ema', period: 2 }, slow: { ma: 'sma', period: 4 }, direction });
    // EMA 2 (weight 2/3 on the new close) / SMA 4 by hand: flat at 10/10 until candle 4;
    // candle 5 (16): 14 / 11.5, the fast one above; candle 6 (4): 7.33 / 10, below; candle 7 (4): 5.11 / 8.5.
    const closes = [10, 10, 10, 10, 10, 16, 4, 4];
    expect(firings(cross('up'), closes)).toEqual([5]);
    expect(firings(cross('down'), closes)).toEqual([6]);
  });

  it('sees a volume spike against the average of the candles before it', () => {
    const doc = strategy({ type: 'volumeSpike', candles: 3, factor: 3 });
    const volumes = [10, 10, 10, 29, 10, 10, 60];
    // Candle 3: 29 < 3 x 10; candle 6: 60 >= 3 x avg(29, 10, 10) = 49.
    expect(firings(doc, [1, 1, 1, 1, 1, 1, 1], volumes)).toEqual([6]);
  });

  it('combines conditions with all and any, and reports the facts of every leaf', () => {
    const doc = strategy({
      any: [
        { type: 'price', op: 'below', value: '50' },
        {
          all: [
            { type: 'price', op: 'above', value: '100' },
            { type: 'change', candles: 1, op: 'above', percent: 5 },
          ],
        },
      ],
    });
    expect(firings(doc, [100, 110, 111, 40])).toEqual([1, 3]);
    const series = new CandleSeries();
    series.addClosed(candle(0, 100));
    series.addClosed(candle(1, 110));
    const result = evaluate(doc.when, series.view(false));
    expect(result.met).toBe(true);
    expect(result.facts.map((f) => [f.type, f.met])).toEqual([
      ['price', false],
      ['price', true],
      ['change', true],
    ]);
    expect(result.facts[2]!.values.percent).toBeCloseTo(10, 10);
  });
});

describe('strategy documents', () => {
  it('defaults the cooldown to one interval and evaluates closed candles only', () => {
    const doc = strategy({ type: 'price', op: 'above', value: '1' });
    expect(doc.cooldownMs).toBe(3_600_000);
    expect(doc.openCandle).toBe(false);
  });

  it.each([
    [{ name: 'x', interval: '2h', when: { type: 'price', op: 'above', value: '1' } }, 'interval'],
    [{ name: 'x', interval: '1h', when: { type: 'price', op: 'above', value: 1 } }, 'when.value'],
    [{ name: 'x', interval: '1h', when: { type: 'rsi', op: 'over', value: 30 } }, 'when.op'],
    [
      { name: 'x', interval: '1h', when: { all: [{ type: 'rsi', op: 'above', value: 30, period: 1 }] } },
      'when.all.0.period',
    ],
    [
      { name: 'x', interval: '1h', when: { type: 'price', op: 'above', value: '1' }, colour: 'red' },
      '(document)',
    ],
    [{ name: '', interval: '1h', when: { type: 'price', op: 'above', value: '1' } }, 'name'],
    [
      { name: 'x', interval: '1h', when: { type: 'price', op: 'above', value: '1' }, cooldownMs: -1 },
      'cooldownMs',
    ],
  ])('refuses an invalid document, naming the field (%#)', (input, field) => {
    const parsed = parseStrategyDocument(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems.map((p) => p.field)).toContain(field);
  });

  it('refuses conditions nested deeper than four levels', () => {
    const leaf = { type: 'price', op: 'above', value: '1' };
    const deep = { all: [{ any: [{ all: [{ any: [leaf] }] }] }] };
    const parsed = parseStrategyDocument({ name: 'x', interval: '1h', when: deep });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems[0]!.field).toBe('when');
  });
});
