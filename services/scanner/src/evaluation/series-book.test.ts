/**
 * The series book over the memory engine's candle history: what a series tracks follows the
 * strategies that watch it, whether they change between two closes or stay the same.
 */
import { EMA } from 'trading-signals';
import { MemoryCandleHistory } from '@tickwire/cluster';
import type { Candle } from '@tickwire/core';
import { parseStrategyDocument, type IndicatorSpec } from '../strategy';
import type { Strategy } from '../store';
import { SeriesBook } from './series-book';
import type { WatchedSeries } from './strategy-index';

const MINUTE = 60_000;
const START = Date.UTC(2026, 0, 1);
const SYMBOL = 'BTCUSDT';
const SMA_20: IndicatorSpec = { kind: 'sma', source: 'close', period: 20 };

/** Closes that move up and down: 100 + (7i mod 13). */
const closeAt = (i: number) => 100 + ((i * 7) % 13);

function candle(i: number): Candle {
  const openTime = START + i * MINUTE;
  const close = String(closeAt(i));
  return {
    symbol: SYMBOL,
    interval: '1m',
    openTime,
    closeTime: openTime + MINUTE - 1,
    open: close,
    high: close,
    low: close,
    close,
    volume: '1',
    ticks: 1,
  };
}

function strategy(id: string, when: unknown): Strategy {
  const parsed = parseStrategyDocument({ name: id, interval: '1m', when });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return {
    id,
    ownerId: 'owner',
    watchlistId: 'watchlist',
    document: parsed.value,
    enabled: true,
    destinationIds: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

/** What the strategy index hands out: a new object each time the catalog changed. */
const watched = (strategies: Strategy[]): WatchedSeries => ({
  key: `1m ${SYMBOL}`,
  symbol: SYMBOL,
  interval: '1m',
  strategies,
});

/** The 20-candle average of the closes up to candle `last`, by hand. */
const sma20At = (last: number) =>
  Array.from({ length: 20 }, (_, k) => closeAt(last - k)).reduce((sum, close) => sum + close, 0) / 20;

describe('the series book', () => {
  const rsi = strategy('rsi', { type: 'rsi', period: 14, op: 'below', value: 30 });
  const smaCross = strategy('cross', {
    type: 'cross',
    fast: { ma: 'sma', period: 10 },
    slow: { ma: 'sma', period: 20 },
    direction: 'up',
  });

  async function loadedBook() {
    const history = new MemoryCandleHistory(() => true);
    await history.appendClosed({
      symbol: SYMBOL,
      interval: '1m',
      candles: Array.from({ length: 80 }, (_, i) => candle(i)),
      source: 'backfill',
    });
    // Just after candle 79 closed: the closes that follow are new.
    const book = new SeriesBook({ candles: history, now: () => START + 80 * MINUTE + 1_000 });
    const close = async (i: number) => {
      await history.appendClosed({ symbol: SYMBOL, interval: '1m', candles: [candle(i)], source: 'close' });
      return candle(i);
    };
    return { book, close };
  }

  it('tracks the indicators of a strategy added to a series it already holds', async () => {
    const { book, close } = await loadedBook();
    await book.advance(watched([rsi]), () => undefined);
    // The catalog changed: one more strategy, reading SMAs nobody read before. It needs fewer
    // candles than the RSI, so the series is kept, not loaded again.
    const seen: (number | null)[] = [];
    await book.advance(watched([rsi, smaCross]), (view) => seen.push(view.indicator(SMA_20).current), {
      hint: await close(80),
    });
    expect(seen).toEqual([sma20At(80)]);
  });

  it('keeps its indicators up to date while the same strategies watch it, close after close', async () => {
    const { book, close } = await loadedBook();
    const series = watched([rsi, smaCross]);
    await book.advance(series, () => undefined);
    const seen: (number | null)[] = [];
    for (const i of [80, 81, 82]) {
      await book.advance(series, (view) => seen.push(view.indicator(SMA_20).current), {
        hint: await close(i),
      });
    }
    expect(seen).toEqual([sma20At(80), sma20At(81), sma20At(82)]);
  });

  it('treats a backfill that lands after the first look as history, and evaluates the closes after it', async () => {
    const history = new MemoryCandleHistory(() => true);
    let now = START + 80 * MINUTE + 1_000;
    const book = new SeriesBook({ candles: history, now: () => now });
    const series = watched([rsi]);
    const evaluated: number[] = [];
    const onClosed = (_view: unknown, candle: Candle) => evaluated.push(candle.openTime);
    // First look: nothing stored yet; the book asks for a backfill.
    await book.advance(series, onClosed);
    expect(await history.backfillRequests()).toEqual([{ symbol: SYMBOL, interval: '1m' }]);
    // The backfill lands (80 candles up to the one that just closed): history, not signals.
    await history.appendClosed({
      symbol: SYMBOL,
      interval: '1m',
      candles: Array.from({ length: 80 }, (_, i) => candle(i)),
      source: 'backfill',
    });
    // A short series is read again a second after its first load.
    now += 1_000;
    await book.advance(series, onClosed);
    expect(evaluated).toEqual([]);
    // The next close is evaluated, with the backfilled history behind its RSI.
    await history.appendClosed({ symbol: SYMBOL, interval: '1m', candles: [candle(80)], source: 'close' });
    let rsiValue: number | null = null;
    await book.advance(
      series,
      (view, candle) => {
        onClosed(view, candle);
        rsiValue = view.indicator({ kind: 'rsi', source: 'close', period: 14 }).current;
      },
      { hint: candle(80) },
    );
    expect(evaluated).toEqual([candle(80).openTime]);
    expect(rsiValue).not.toBeNull();
  });

  it('grows a series past what the store keeps, close by close, never rebuilding it from the store', async () => {
    // The store keeps 100 candles; the strategy looks back 100 candles, so it needs 101 (and an
    // EMA 100 asks for more, to warm up): only closes the book appends itself can fill it.
    const history = new MemoryCandleHistory(() => true, { retainedCandles: 100 });
    await history.appendClosed({
      symbol: SYMBOL,
      interval: '1m',
      candles: Array.from({ length: 100 }, (_, i) => candle(i)),
      source: 'backfill',
    });
    let now = START + 100 * MINUTE + 1_000;
    const book = new SeriesBook({ candles: history, now: () => now });
    const series = watched([
      strategy('change', { type: 'change', candles: 100, op: 'above', percent: -100 }),
      strategy('ema', {
        type: 'cross',
        fast: { ma: 'ema', period: 100 },
        slow: { ma: 'sma', period: 20 },
        direction: 'up',
      }),
    ]);
    await book.advance(series, () => undefined);
    const closesBack: (string | undefined)[] = [];
    const emas: (number | null)[] = [];
    for (const i of [100, 101, 102, 103]) {
      now += MINUTE;
      await history.appendClosed({ symbol: SYMBOL, interval: '1m', candles: [candle(i)], source: 'close' });
      await book.advance(
        series,
        (view) => {
          closesBack.push(view.closeBack(100));
          emas.push(view.indicator({ kind: 'ema', source: 'close', period: 100 }).current);
        },
        { hint: candle(i) },
      );
    }
    // The close 100 candles back is there from the first close on (the store holds only 100).
    expect(closesBack).toEqual([candle(0), candle(1), candle(2), candle(3)].map((c) => c.close));
    // The EMA has seen every candle since the first load: it was updated, not rebuilt from the
    // store's newest 100 at each close (before the fix, every close read the store and rebuilt).
    const reference = new EMA(100);
    const expected: (number | null)[] = [];
    for (let i = 0; i <= 103; i += 1) {
      reference.add(closeAt(i));
      if (i >= 100) expected.push(reference.getResult());
    }
    expect(emas).toEqual(expected);
  });
});
