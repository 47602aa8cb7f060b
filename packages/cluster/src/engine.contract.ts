/**
 * The contract every engine passes (STYLE rule 5): the memory engine runs it in its unit
 * tests, the Redis engine against a real Redis. Call inside a `describe`.
 */
import type { Candle, Ticker } from '@tickwire/core';
import type { Engine, TickBatch } from './engine';
import { tickEventId } from './event-id';
import { DEFAULT_RETAINED_CANDLES } from './candle-history-options';
import { isNotLeaderError } from './redis/errors';
import { MAX_INTEREST_SYMBOLS_PER_TOUCH, MAX_INTEREST_TTL_MS } from './interest-validation';

export interface EngineHarness {
  /** A fresh, isolated engine (its own namespace on a shared Redis). */
  create(instanceId: string): Promise<Engine>;
  /** Releases whatever `create` made. */
  cleanup?(): Promise<void>;
}

const ticker = (symbol: string, last: string, n: number): Ticker => ({
  exchange: 'binance',
  symbol,
  last,
  eventTime: 1_700_000_000_000 + n,
  receiveTime: 1_700_000_000_000 + n,
  source: 'ws',
});

async function collect(engine: Engine, count: number, timeoutMs = 5_000): Promise<TickBatch[]> {
  const batches: TickBatch[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`received ${batches.length} of ${count} batches within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = engine.distribution.onBatch((batch) => {
      batches.push(batch);
      if (batches.length === count) {
        clearTimeout(timer);
        off();
        resolve(batches);
      }
    });
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until `condition` holds, failing the test after `timeoutMs` (far above a stall of the process). */
async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

/** Records every `onAdded` call of an engine. */
function recordAdded(engine: Engine): { calls: string[][]; off: () => void } {
  const calls: string[][] = [];
  const off = engine.interest.onAdded((symbols) => calls.push(symbols));
  return { calls, off };
}

/** Long enough that nothing lapses during a test (ms). */
const LONG_TTL_MS = 60_000;
/**
 * Longer than any stall of the test process between a touch and the next read, short enough to
 * wait out (ms).
 */
const SHORT_TTL_MS = 2_000;

export function engineContract(harness: EngineHarness): void {
  let engine: Engine;

  beforeEach(async () => {
    engine = await harness.create('pod-a');
    await engine.distribution.start();
    await engine.candles.start();
    await engine.election.start();
    await engine.interest.start();
  });

  afterEach(async () => {
    await engine.interest.stop();
    await engine.candles.stop();
    await engine.election.stop();
    await engine.distribution.stop();
    await engine.close();
    await harness.cleanup?.();
  });

  it('elects the only pod as leader with a positive epoch', async () => {
    const deadline = Date.now() + 5_000;
    while (engine.election.state().role !== 'leader' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const state = engine.election.state();
    expect(state).toMatchObject({ role: 'leader', instanceId: 'pod-a', leaderId: 'pod-a' });
    expect(state.epoch).toBeGreaterThan(0);
  });

  it('delivers published batches in order with increasing ids, and keeps the latest per symbol', async () => {
    expect(await engine.distribution.snapshot()).toEqual({ id: undefined, tickers: [] });
    const received = collect(engine, 3);
    const ids = [
      await engine.distribution.publish([ticker('BTCUSDT', '1.00', 1)]),
      await engine.distribution.publish([ticker('ETHUSDT', '2.00', 2), ticker('BTCUSDT', '1.10', 3)]),
      await engine.distribution.publish([ticker('BTCUSDT', '0.10000000', 4)]),
    ];
    const batches = await received;
    expect(batches.map((b) => b.id)).toEqual(ids);
    expect(batches[1]!.tickers.map((t) => t.last)).toEqual(['2.00', '1.10']);
    const snapshot = await engine.distribution.snapshot();
    expect(snapshot.id).toBe(ids[2]);
    const bySymbol = Object.fromEntries(snapshot.tickers.map((t) => [t.symbol, t.last]));
    expect(bySymbol).toEqual({ BTCUSDT: '0.10000000', ETHUSDT: '2.00' });
  });

  it('replays exactly the batches after a retained id, and refuses ids it cannot vouch for', async () => {
    const first = await engine.distribution.publish([ticker('BTCUSDT', '1', 1)]);
    const second = await engine.distribution.publish([ticker('BTCUSDT', '2', 2)]);
    const third = await engine.distribution.publish([ticker('BTCUSDT', '3', 3)]);
    const replay = await engine.distribution.replaySince(first);
    expect(replay).toEqual({
      recovered: true,
      batches: [expect.objectContaining({ id: second }), expect.objectContaining({ id: third })],
    });
    expect(await engine.distribution.replaySince(third)).toEqual({ recovered: true, batches: [] });
    expect(await engine.distribution.replaySince('not-an-id')).toEqual({ recovered: false });
    expect(await engine.distribution.replaySince('1-0')).toEqual({ recovered: false });
  });

  it('replays from an event inside a batch exactly the rest of that batch, then every later batch', async () => {
    const tickers = [ticker('BTCUSDT', '1', 1), ticker('ETHUSDT', '2', 2), ticker('SOLUSDT', '3', 3)];
    const first = await engine.distribution.publish(tickers);
    const second = await engine.distribution.publish([ticker('BTCUSDT', '4', 4)]);
    const secondBatch = { id: second, tickers: [ticker('BTCUSDT', '4', 4)] };
    expect(await engine.distribution.replaySince(tickEventId(first, 0))).toEqual({
      recovered: true,
      batches: [{ id: first, tickers: tickers.slice(1), firstIndex: 1 }, secondBatch],
    });
    expect(await engine.distribution.replaySince(tickEventId(first, 1))).toEqual({
      recovered: true,
      batches: [{ id: first, tickers: tickers.slice(2), firstIndex: 2 }, secondBatch],
    });
    // The last event of a batch and the batch's own id (a snapshot's) both mean "after the batch".
    const afterFirst = { recovered: true, batches: [secondBatch] };
    expect(await engine.distribution.replaySince(tickEventId(first, 2))).toEqual(afterFirst);
    expect(await engine.distribution.replaySince(first)).toEqual(afterFirst);
    expect(await engine.distribution.replaySince(tickEventId(second, 0))).toEqual({
      recovered: true,
      batches: [],
    });
  });

  it('refuses event ids it did not issue without throwing', async () => {
    const id = await engine.distribution.publish([ticker('BTCUSDT', '1', 1), ticker('ETHUSDT', '2', 2)]);
    const refused = [
      tickEventId(id, 2), // past the batch's end
      `${id}.`,
      `${id}.x`,
      `${id}.-1`,
      `${id}.0.0`,
      `${id}.1234567890`,
      `${id}:0`,
      `(${id}`,
      `${id} `,
      '-',
      '+',
      '0-0.0',
      `${'9'.repeat(17)}-0`,
      '',
    ];
    for (const lastEventId of refused) {
      expect([lastEventId, await engine.distribution.replaySince(lastEventId)]).toEqual([
        lastEventId,
        { recovered: false },
      ]);
    }
  });

  describe('interest', () => {
    it('returns only the symbols nobody wanted before, and lists every wanted symbol sorted', async () => {
      expect(await engine.interest.touch(['ETHUSDT', 'COINBASE:BTC-USD', 'BTCUSDT'], LONG_TTL_MS)).toEqual([
        'ETHUSDT',
        'COINBASE:BTC-USD',
        'BTCUSDT',
      ]);
      const more = ['BTCUSDT', 'FINNHUB:IC MARKETS:1', 'FINNHUB:BINANCE:BTCUSDT', 'FINNHUB:IC MARKETS:1'];
      expect(await engine.interest.touch(more, LONG_TTL_MS)).toEqual([
        'FINNHUB:IC MARKETS:1',
        'FINNHUB:BINANCE:BTCUSDT',
      ]);
      expect(await engine.interest.wanted()).toEqual([
        'BTCUSDT',
        'COINBASE:BTC-USD',
        'ETHUSDT',
        'FINNHUB:BINANCE:BTCUSDT',
        'FINNHUB:IC MARKETS:1',
      ]);
    });

    it('returns nothing for a re-touch of wanted symbols or for an empty list', async () => {
      await engine.interest.touch(['BTCUSDT', 'ETHUSDT'], LONG_TTL_MS);
      expect(await engine.interest.touch(['ETHUSDT', 'BTCUSDT'], LONG_TTL_MS)).toEqual([]);
      expect(await engine.interest.touch([], LONG_TTL_MS)).toEqual([]);
      expect(await engine.interest.wanted()).toEqual(['BTCUSDT', 'ETHUSDT']);
    });

    it('lets a symbol lapse after its TTL, after which it counts as new again, but keeps the later expiry', async () => {
      expect(await engine.interest.wanted()).toEqual([]);
      await engine.interest.touch(['KEPT'], LONG_TTL_MS);
      // A shorter lease never cuts a longer one short.
      expect(await engine.interest.touch(['LAPSED', 'KEPT'], SHORT_TTL_MS)).toEqual(['LAPSED']);
      expect(await engine.interest.wanted()).toEqual(['KEPT', 'LAPSED']);
      await sleep(SHORT_TTL_MS + 500);
      expect(await engine.interest.wanted()).toEqual(['KEPT']);
      expect(await engine.interest.touch(['LAPSED', 'KEPT'], SHORT_TTL_MS)).toEqual(['LAPSED']);
    });

    it('tells onAdded listeners exactly the symbols that became wanted, and nothing when none did', async () => {
      const first = recordAdded(engine);
      await engine.interest.touch(['BTCUSDT', 'ETHUSDT'], LONG_TTL_MS);
      await engine.interest.touch(['ETHUSDT'], LONG_TTL_MS);
      await engine.interest.touch(['ETHUSDT', 'SOLUSDT'], LONG_TTL_MS);
      await until(() => first.calls.length >= 2, 'two onAdded calls');
      first.off();
      const second = recordAdded(engine);
      await engine.interest.touch(['XRPUSDT'], LONG_TTL_MS);
      await until(() => second.calls.length >= 1, 'an onAdded call for the second listener');
      expect(first.calls).toEqual([['BTCUSDT', 'ETHUSDT'], ['SOLUSDT']]);
      expect(second.calls).toEqual([['XRPUSDT']]);
    });

    it('stops calling listeners after stop, still accepts touches, and starts again', async () => {
      await engine.interest.start(); // a second start changes nothing
      const before = recordAdded(engine);
      await engine.interest.stop();
      await engine.interest.stop();
      expect(await engine.interest.touch(['STOPPED'], LONG_TTL_MS)).toEqual(['STOPPED']);
      await sleep(100);
      expect(before.calls).toEqual([]);
      await engine.interest.start();
      const after = recordAdded(engine);
      await engine.interest.touch(['STOPPED', 'RESTARTED'], LONG_TTL_MS);
      await until(() => after.calls.length >= 1, 'an onAdded call after the restart');
      expect(after.calls).toEqual([['RESTARTED']]);
      expect(before.calls).toEqual([]);
    });

    it('refuses invalid symbols and TTLs with an error that names the problem, and stores nothing', async () => {
      const touch = (symbols: unknown[], ttlMs: number) => engine.interest.touch(symbols as string[], ttlMs);
      await expect(touch([''], 1_000)).rejects.toThrow(RangeError);
      await expect(touch(['A'.repeat(65)], 1_000)).rejects.toThrow(/symbols\[0\] must be 1 to 64/);
      await expect(touch(['OK', 'BTC*USDT'], 1_000)).rejects.toThrow(/symbols\[1\] "BTC\*USDT" may only/);
      await expect(touch(['BTC\nUSDT'], 1_000)).rejects.toThrow(TypeError);
      await expect(touch([42], 1_000)).rejects.toThrow(/symbols\[0\] must be a string/);
      await expect(touch(['OK'], 0)).rejects.toThrow(RangeError);
      await expect(touch(['OK'], 86_400_001)).rejects.toThrow(/ttlMs must be between 1 and 86400000/);
      await expect(touch(['OK'], 1.5)).rejects.toThrow(TypeError);
      await expect(touch(['OK'], Number.NaN)).rejects.toThrow(/ttlMs must be an integer/);
      const tooMany = Array.from({ length: MAX_INTEREST_SYMBOLS_PER_TOUCH + 1 }, (_, i) => `S${i}`);
      await expect(touch(tooMany, 1_000)).rejects.toThrow(/at most 1024 symbols/);
      expect(await engine.interest.wanted()).toEqual([]);
      // The limits themselves are accepted.
      const most = tooMany.slice(0, MAX_INTEREST_SYMBOLS_PER_TOUCH);
      expect(await engine.interest.touch(most, LONG_TTL_MS)).toHaveLength(MAX_INTEREST_SYMBOLS_PER_TOUCH);
      expect(await engine.interest.touch(['A'.repeat(64), 'OANDA:EUR/USD'], MAX_INTEREST_TTL_MS)).toEqual([
        'A'.repeat(64),
        'OANDA:EUR/USD',
      ]);
      expect(await engine.interest.touch(['ONE_MS'], 1)).toEqual(['ONE_MS']);
    });
  });

  describe('candle history', () => {
    const MINUTE = 60_000;
    const T0 = 1_700_000_040_000 - (1_700_000_040_000 % MINUTE);
    const candle = (n: number, close = `${100 + n}.10000000`, symbol = 'BTCUSDT'): Candle => ({
      symbol,
      interval: '1m',
      openTime: T0 + n * MINUTE,
      closeTime: T0 + (n + 1) * MINUTE - 1,
      open: '100.00000000',
      high: '120.50000000',
      low: '99.00000000',
      close,
      volume: '0.00100000',
      ticks: n + 1,
    });
    const series = { symbol: 'BTCUSDT', interval: '1m' } as const;

    async function leading(): Promise<void> {
      await until(() => engine.election.confirmLeadership(), 'leadership', 5_000);
    }

    it('stores each open time once, so a replayed or repeated append changes nothing', async () => {
      await leading();
      const first = await engine.candles.appendClosed({
        ...series,
        candles: [candle(0), candle(1)],
        source: 'close',
      });
      expect(first).toEqual([candle(0), candle(1)]);
      // The same open time with other values (another leader's view of it) is not stored again.
      const again = await engine.candles.appendClosed({
        ...series,
        candles: [candle(1, '999.00000000'), candle(2)],
        source: 'close',
      });
      expect(again).toEqual([candle(2)]);
      expect(await engine.candles.closed(series, 10)).toEqual([candle(0), candle(1), candle(2)]);
      expect(await engine.candles.closed(series, 2)).toEqual([candle(1), candle(2)]);
      expect(await engine.candles.closed({ symbol: 'BTCUSDT', interval: '5m' }, 10)).toEqual([]);
      expect(await engine.candles.closed({ symbol: 'ETHUSDT', interval: '1m' }, 10)).toEqual([]);
    });

    it('keeps only the newest retained candles of a series, whatever order they came in', async () => {
      await leading();
      const retained = engine.candles.retainedCandles;
      expect(retained).toBe(DEFAULT_RETAINED_CANDLES);
      const all = Array.from({ length: retained + 20 }, (_, n) => candle(n));
      await engine.candles.appendClosed({ ...series, candles: all.slice(10).reverse(), source: 'backfill' });
      await engine.candles.appendClosed({ ...series, candles: all.slice(0, 10), source: 'backfill' });
      const kept = await engine.candles.closed(series, retained + 100);
      expect(kept).toHaveLength(retained);
      expect(kept[0]).toEqual(all[20]);
      expect(kept.at(-1)).toEqual(all.at(-1));
    });

    it('refuses appends from a pod that no longer leads, and stores nothing', async () => {
      await leading();
      await engine.candles.appendClosed({ ...series, candles: [candle(0)], source: 'close' });
      await engine.election.stop();
      const error = await engine.candles
        .appendClosed({
          ...series,
          candles: [candle(1)],
          source: 'close',
          covers: { from: T0, to: T0 + 9 * MINUTE },
        })
        .catch((e: unknown) => e);
      expect(isNotLeaderError(error)).toBe(true);
      expect(await engine.candles.closed(series, 10)).toEqual([candle(0)]);
      expect(await engine.candles.covered(series)).toEqual([{ from: T0, to: T0 }]);
      expect(await engine.candles.closesAfter(undefined, 10)).toHaveLength(1);
    });

    it('streams live closes (not backfill) to a reader that resumes after any id, and to listeners', async () => {
      await leading();
      const heard: Candle[] = [];
      const off = engine.candles.onClose((closed) => heard.push(closed));
      await engine.candles.appendClosed({ ...series, candles: [candle(0)], source: 'close' });
      await engine.candles.appendClosed({ ...series, candles: [candle(5), candle(6)], source: 'backfill' });
      await engine.candles.appendClosed({ ...series, candles: [candle(1)], source: 'close' });
      await engine.candles.appendClosed({ ...series, candles: [candle(1)], source: 'close' }); // a repeat
      const eth = candle(1, '2.00000000', 'ETHUSDT');
      await engine.candles.appendClosed({
        symbol: 'ETHUSDT',
        interval: '1m',
        candles: [eth],
        source: 'close',
      });
      const all = await engine.candles.closesAfter(undefined, 100);
      expect(all.map((entry) => entry.candle)).toEqual([candle(0), candle(1), eth]);
      const [first, second] = all;
      expect(await engine.candles.closesAfter(first!.id, 100)).toEqual(all.slice(1));
      expect(await engine.candles.closesAfter(second!.id, 1)).toEqual(all.slice(2));
      expect(await engine.candles.closesAfter(all[2]!.id, 100)).toEqual([]);
      await expect(engine.candles.closesAfter('nonsense', 1)).rejects.toThrow(TypeError);
      await until(() => heard.length >= 3, 'three close events');
      off();
      expect(heard).toEqual([candle(0), candle(1), eth]);
    });

    it('records covered ranges merged, gaps included, and clears a backfill request once covered', async () => {
      await leading();
      expect(await engine.candles.covered(series)).toEqual([]);
      await engine.candles.requestBackfill(series);
      await engine.candles.requestBackfill(series);
      await engine.candles.requestBackfill({ symbol: 'FINNHUB:IC MARKETS:1', interval: '1h' });
      const sortRequests = (list: { symbol: string }[]) =>
        [...list].sort((a, b) => a.symbol.localeCompare(b.symbol));
      expect(sortRequests(await engine.candles.backfillRequests())).toEqual([
        { symbol: 'BTCUSDT', interval: '1m' },
        { symbol: 'FINNHUB:IC MARKETS:1', interval: '1h' },
      ]);
      await engine.candles.appendClosed({ ...series, candles: [candle(10)], source: 'close' });
      expect(await engine.candles.backfillRequests()).toHaveLength(2);
      // An exchange sends nothing for a minute without trades: the covered range says it was asked.
      await engine.candles.appendClosed({
        ...series,
        candles: [candle(2), candle(5)],
        covers: { from: T0, to: T0 + 8 * MINUTE },
        source: 'backfill',
      });
      expect(await engine.candles.covered(series)).toEqual([
        { from: T0, to: T0 + 8 * MINUTE },
        { from: T0 + 10 * MINUTE, to: T0 + 10 * MINUTE },
      ]);
      expect(await engine.candles.backfillRequests()).toEqual([
        { symbol: 'FINNHUB:IC MARKETS:1', interval: '1h' },
      ]);
      await engine.candles.appendClosed({ ...series, candles: [candle(9)], source: 'close' });
      expect(await engine.candles.covered(series)).toEqual([{ from: T0, to: T0 + 10 * MINUTE }]);
    });

    it("records an exchange's refusal of a series until it lapses, and drops the series' request", async () => {
      await leading();
      const finnhub = { symbol: 'FINNHUB:AAPL', interval: '1h' } as const;
      expect(await engine.candles.backfillRefusal(finnhub)).toBeUndefined();
      await engine.candles.requestBackfill(finnhub);
      await engine.candles.requestBackfill(series);
      const refusal = {
        code: 'BACKFILL_NOT_ENTITLED',
        message: 'no candles on this plan',
        until: Date.now() + 60_000,
      };
      await engine.candles.refuseBackfill(finnhub, refusal);
      expect(await engine.candles.backfillRefusal(finnhub)).toEqual(refusal);
      expect(await engine.candles.backfillRefusal({ ...finnhub, interval: '1m' })).toBeUndefined();
      expect(await engine.candles.backfillRequests()).toEqual([series]);
      // A refusal that has lapsed is no refusal: the leader may ask the exchange again.
      await engine.candles.refuseBackfill(finnhub, { ...refusal, until: Date.now() - 1 });
      expect(await engine.candles.backfillRefusal(finnhub)).toBeUndefined();
    });
  });
}
