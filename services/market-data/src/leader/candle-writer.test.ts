import { CandleBook, MemoryEngine, isNotLeaderError } from '@tickwire/cluster';
import type { Ticker } from '@tickwire/core';
import { createLogger } from '@tickwire/observability';
import { waitFor } from '@tickwire/testkit';
import { CandleWriter } from './candle-writer';

const MINUTE = 60_000;
const T0 = 1_800_000_000_000 - (1_800_000_000_000 % (60 * MINUTE));

const tick = (last: string, eventTime: number, tradeQty = '1'): Ticker => ({
  exchange: 'binance',
  symbol: 'BTCUSDT',
  last,
  tradeQty,
  eventTime,
  receiveTime: eventTime,
  source: 'ws',
});

describe('CandleWriter', () => {
  it('stores each complete close once, not the first candle the pod joined in the middle of', async () => {
    let now = T0 + 30_000;
    const engine = new MemoryEngine({ instanceId: 'pod-a' });
    await engine.election.start();
    const book = new CandleBook({ now: () => now, checkMs: 60_000 });
    const refused: unknown[] = [];
    const writer = new CandleWriter({
      book,
      history: engine.candles,
      backfill: { fill: async () => undefined },
      logger: createLogger({ level: 'silent', service: 'test' }),
      onRefused: (error) => refused.push(error),
      requestPollMs: 60_000,
    });
    await writer.start();
    try {
      book.applyBatch({ id: '1-0', tickers: [tick('1.0', T0 + 30_000)] }); // joined mid-minute
      book.applyBatch({ id: '2-0', tickers: [tick('2.0', T0 + MINUTE + 1), tick('2.5', T0 + MINUTE + 2)] });
      book.applyBatch({ id: '3-0', tickers: [tick('3.0', T0 + 2 * MINUTE)] });
      // A quiet minute closes on the timer once the grace has passed.
      now = T0 + 3 * MINUTE + 2_001;
      book.closeDue();
      const series = { symbol: 'BTCUSDT', interval: '1m' } as const;
      await waitFor(async () => (await engine.candles.closed(series, 10)).length === 2, {
        timeoutMs: 2_000,
        what: 'two stored closes',
      });
      const stored = await engine.candles.closed(series, 10);
      expect(stored).toEqual([
        expect.objectContaining({ openTime: T0 + MINUTE, open: '2.0', close: '2.5', volume: '2', ticks: 2 }),
        expect.objectContaining({ openTime: T0 + 2 * MINUTE, open: '3.0', close: '3.0', ticks: 1 }),
      ]);
      // No longer the leader: the next close is refused, and the caller is told.
      await engine.election.stop();
      book.applyBatch({ id: '4-0', tickers: [tick('4.0', T0 + 4 * MINUTE)] });
      book.applyBatch({ id: '5-0', tickers: [tick('5.0', T0 + 5 * MINUTE)] });
      await waitFor(() => refused.length === 1, { timeoutMs: 2_000, what: 'a refused write' });
      expect(isNotLeaderError(refused[0])).toBe(true);
    } finally {
      await writer.stop();
      await book.stop();
    }
  });
});
