import { Writable } from 'node:stream';
import { CandleBook, MemoryEngine, isNotLeaderError, type CandleSeriesKey } from '@tickwire/cluster';
import type { Ticker } from '@tickwire/core';
import { createLogger } from '@tickwire/observability';
import { RestClientError, RestClientErrorCode } from '@tickwire/service';
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
        timeoutMs: 5_000,
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
      await waitFor(() => refused.length === 1, { timeoutMs: 5_000, what: 'a refused write' });
      expect(isNotLeaderError(refused[0])).toBe(true);
    } finally {
      await writer.stop();
      await book.stop();
    }
  });
});

describe('CandleWriter backfill retries', () => {
  it('retries a failing series on a doubling backoff and after the hold the exchange asked for, logging the outage once', async () => {
    const T = 1_800_000_000_000;
    let now = T;
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({
      level: 'info',
      service: 'test',
      destination: new Writable({
        write(chunk: Buffer, _encoding, callback) {
          for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line));
          callback();
        },
      }),
    });
    const series: CandleSeriesKey = { symbol: 'COINBASE:BTC-USD', interval: '1h' };
    let polls = 0;
    const attempts: number[] = [];
    const outcomes: (() => void)[] = [
      () => {
        throw new RestClientError(RestClientErrorCode.HttpStatus, 'coinbase answered HTTP 503', {
          venue: 'coinbase',
          status: 503,
        });
      },
      () => {
        throw new Error('cannot reach the exchange');
      },
      () => {
        // The exchange holds requests for 7 s: longer than the backoff (4 s) would wait.
        throw new RestClientError(RestClientErrorCode.RateLimited, 'coinbase answered HTTP 429', {
          venue: 'coinbase',
          status: 429,
          retryAt: now + 7_000,
        });
      },
      () => undefined,
    ];
    const writer = new CandleWriter({
      book: new CandleBook({ now: () => now, checkMs: 60_000 }),
      history: {
        appendClosed: async () => [],
        backfillRequests: async () => {
          polls += 1;
          return attempts.length < outcomes.length ? [series] : [];
        },
      },
      backfill: {
        fill: async () => {
          attempts.push(now);
          outcomes[attempts.length - 1]!();
        },
      },
      logger,
      onRefused: () => undefined,
      requestPollMs: 5,
      retry: { baseMs: 1_000, maxMs: 60_000, random: () => 1 },
      now: () => now,
    });
    const pollsFrom = async (count: number) => {
      const until = polls + count;
      await waitFor(() => polls >= until, { timeoutMs: 5_000, what: `${count} more polls` });
    };
    await writer.start();
    try {
      await waitFor(() => attempts.length === 1, { timeoutMs: 5_000, what: 'the first attempt' });
      await pollsFrom(5);
      expect(attempts).toEqual([T]); // not on every poll
      now = T + 1_000; // the first retry's ceiling
      await waitFor(() => attempts.length === 2, { timeoutMs: 5_000, what: 'the second attempt' });
      now = T + 2_999;
      await pollsFrom(5);
      expect(attempts).toHaveLength(2); // the second wait doubled: 2 s
      now = T + 3_000;
      await waitFor(() => attempts.length === 3, { timeoutMs: 5_000, what: 'the third attempt' });
      now = T + 3_000 + 4_000; // the backoff alone would allow it; the exchange's hold does not
      await pollsFrom(5);
      expect(attempts).toHaveLength(3);
      now = T + 3_000 + 7_000;
      await waitFor(() => attempts.length === 4, { timeoutMs: 5_000, what: 'the attempt after the hold' });
      await waitFor(() => lines.some((line) => line.msg === 'candle backfill recovered'), {
        timeoutMs: 5_000,
        what: 'the recovery line',
      });
    } finally {
      await writer.stop();
    }
    const failedLines = lines.filter((line) => line.msg === 'candle backfill failed; retrying later');
    expect(failedLines).toHaveLength(1);
    expect(failedLines[0]).toMatchObject({
      exchange: 'coinbase',
      symbol: 'COINBASE:BTC-USD',
      interval: '1h',
      err: 'coinbase answered HTTP 503',
      retryAt: new Date(T + 1_000).toISOString(),
    });
    expect(lines.find((line) => line.msg === 'candle backfill recovered')).toMatchObject({
      exchange: 'coinbase',
      failures: 3,
      failingForMs: 10_000,
    });
  });
});
