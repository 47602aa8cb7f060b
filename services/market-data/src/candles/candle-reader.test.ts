/**
 * An answer that says its history is `complete` holds the candles that made it so, even when the
 * leader's append lands while the answer is being read (seen once in a loop of whole-suite runs:
 * `complete` with no closed candle).
 */
import { CANDLE_INTERVAL_MS, DEFAULT_CANDLE_CLOSE_GRACE_MS, type Candle } from '@tickwire/core';
import { MemoryCandleHistory, type CandleHistory } from '@tickwire/cluster';
import { CandleReader } from './candle-reader';
import { wantedCandleRange } from './candle-window';

const MINUTE = CANDLE_INTERVAL_MS['1m'];
const NOW = Date.UTC(2026, 11, 6, 12, 30, 30);
const series = { symbol: 'FINNHUB:AAPL', interval: '1m' as const };

function candle(openTime: number): Candle {
  return {
    ...series,
    openTime,
    closeTime: openTime + MINUTE - 1,
    open: '1',
    high: '1',
    low: '1',
    close: '1',
    volume: '1',
    ticks: 0,
  };
}

describe('CandleReader', () => {
  it('answers complete only with the candles whose coverage made it complete', async () => {
    const store = new MemoryCandleHistory(() => true, { retainedCandles: 10, now: () => NOW });
    const wanted = wantedCandleRange('1m', 10, NOW, DEFAULT_CANDLE_CLOSE_GRACE_MS);
    const page = Array.from({ length: 10 }, (_, i) => candle(wanted.from + i * MINUTE));
    let appended = false;
    // The leader's append lands between this pod's reads: at the first read after it started.
    const landOnce = async () => {
      if (appended) return;
      appended = true;
      await store.appendClosed({ ...series, candles: page, covers: wanted, source: 'backfill' });
    };
    const history: CandleReaderHistory = {
      retainedCandles: store.retainedCandles,
      closed: async (key, limit) => {
        const before = await store.closed(key, limit);
        await landOnce();
        return before;
      },
      covered: async (key) => {
        await landOnce();
        return store.covered(key);
      },
      requestBackfill: (key) => store.requestBackfill(key),
      backfillRefusal: (key) => store.backfillRefusal(key),
    };
    const reader = new CandleReader({
      history,
      book: { open: () => undefined },
      backfill: { unavailable: () => undefined },
      now: () => NOW,
    });
    const answer = await reader.read(series, 10);
    expect(answer.backfill).toBe('complete');
    expect(answer.candles.map((c) => c.openTime)).toEqual(page.map((c) => c.openTime));
  });
});

type CandleReaderHistory = Pick<
  CandleHistory,
  'closed' | 'covered' | 'requestBackfill' | 'retainedCandles' | 'backfillRefusal'
>;
