/** /v1/candles on a pod fed by the simulator: history backfilled once, within the REST budget. */
import type { Engine } from '@tickwire/cluster';
import { DEFAULT_SYMBOLS } from '@tickwire/exchange-sim';
import { openSse, sampleValue, waitFor, waitUntilIntoMinute } from '@tickwire/testkit';
import { startPodHarness, type PodHarness } from '../testing/pod-harness';

jest.setTimeout(60_000);

interface CandlesBody {
  symbol: string;
  interval: string;
  backfill: string;
  candles: {
    openTime: number;
    closeTime: number;
    open: string;
    close: string;
    volume: string;
    ticks: number;
  }[];
}

describe('candle history on a pod', () => {
  let harness: PodHarness;

  beforeEach(async () => {
    harness = await startPodHarness({ CANDLE_HISTORY: '120' });
  });

  afterEach(async () => {
    await harness?.stop();
  });

  async function candles(path: string): Promise<CandlesBody> {
    const res = await harness.get(path);
    expect(res.status).toBe(200);
    return (await res.json()) as CandlesBody;
  }

  it('backfills a series from the exchange once, single-flight, then serves it whole', async () => {
    // A minute that closes mid-test, or one the pod never saw live whose close grace (2 s) ends
    // after the first request, is rightly fetched later: start 5 s to 40 s into a minute.
    await waitUntilIntoMinute(5_000, 40_000);
    const before = harness.sim.stats();
    // Several clients ask at once: one backfill, one request per page.
    const first = await Promise.all([1, 2, 3].map(() => candles('/v1/candles/BTCUSDT?interval=1m')));
    // The first request read is answered at once, while the backfill runs. One read later (a
    // stalled process reads them apart) may find the backfill done: one request per page, below,
    // is what shows it ran once.
    expect(first.map((body) => body.backfill)).toContain('pending');
    for (const body of first) expect(['pending', 'complete']).toContain(body.backfill);
    let whole: CandlesBody | undefined;
    await waitFor(
      async () => {
        whole = await candles('/v1/candles/BTCUSDT?interval=1m');
        return whole.backfill === 'complete';
      },
      { timeoutMs: 10_000, what: 'the backfill to complete' },
    );
    const closed = whole!.candles.filter((candle) => candle.closeTime < Date.now() - 5_000);
    // The simulator's 24 h window holds far more than CANDLE_HISTORY minutes.
    expect(closed.length).toBeGreaterThanOrEqual(110);
    expect(whole!.candles.length).toBeLessThanOrEqual(120);
    for (const candle of whole!.candles) {
      expect(candle.open).toMatch(/^\d+\.\d{8}$/);
      expect(candle.volume).toMatch(/^\d+\.\d{8}$/);
      expect(candle.closeTime - candle.openTime).toBe(59_999);
    }
    const openTimes = whole!.candles.map((candle) => candle.openTime);
    expect(openTimes).toEqual([...openTimes].sort((a, b) => a - b));
    expect(new Set(openTimes).size).toBe(openTimes.length);

    // Asked again and for another interval: nothing fetched twice, weight 2 per klines request.
    await candles('/v1/candles/BTCUSDT?interval=1m&limit=5');
    await waitFor(async () => (await candles('/v1/candles/BTCUSDT?interval=5m')).backfill === 'complete', {
      timeoutMs: 10_000,
      what: 'the 5m backfill',
    });
    const after = harness.sim.stats();
    const metrics = await harness.metrics();
    const sent = sampleValue(metrics, 'tickwire_rest_requests_total', {
      caller: 'candle-backfill',
      outcome: 'ok',
    });
    expect(sent).toBe(2); // one page of at most 1000 per series
    expect(after.restWeightTotal - before.restWeightTotal).toBeGreaterThanOrEqual(4);
    expect(after.rest429).toBe(0);
  });

  it("backfills many series at once within the pod's share of the exchange's weight budget: no 429", async () => {
    // 8 symbols x 6 intervals, one klines request (weight 2) each: 96 weight, where the exchange
    // allows 120 a minute and a pod spends at most half. All within one minute of the exchange's.
    await harness.stop();
    harness = await startPodHarness({ CANDLE_HISTORY: '120' }, { restWeightLimitPerMinute: 120 });
    const calls = async (caller: string, outcome: string) =>
      sampleValue(await harness.metrics(), 'tickwire_rest_requests_total', { caller, outcome }) ?? 0;
    // The symbol catalog's exchangeInfo tells the pod the exchange's limit (until then it assumes
    // Binance's documented 6,000).
    await waitFor(async () => (await calls('symbol-catalog', 'ok')) === 1, {
      timeoutMs: 10_000,
      what: 'the symbol catalog loaded',
    });
    await waitUntilIntoMinute(5_000, 30_000);
    const minute = Math.floor(Date.now() / 60_000);
    const series = DEFAULT_SYMBOLS.flatMap((symbol) =>
      ['1m', '5m', '15m', '1h', '4h', '1d'].map((interval) => `/v1/candles/${symbol}?interval=${interval}`),
    );
    await Promise.all(series.map((path) => candles(path)));
    // Every series asked for is either backfilled or still waiting for budget.
    await waitFor(
      async () =>
        (await calls('candle-backfill', 'budget-exhausted')) + (await calls('candle-backfill', 'held')) > 0,
      { timeoutMs: 15_000, what: 'a backfill held back by the budget' },
    );
    const sent = await calls('candle-backfill', 'ok');
    const stats = harness.sim.stats();
    expect(Math.floor(Date.now() / 60_000)).toBe(minute);
    expect(stats.rest429).toBe(0);
    // What the pod sent this minute, the symbol catalog included: at most its half.
    expect(stats.restWeightUsed).toBeLessThanOrEqual(60);
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(series.length);
    const states = await Promise.all(series.map(async (path) => (await candles(path)).backfill));
    expect(states.filter((state) => state === 'complete').length).toBeGreaterThan(0);
    expect(states.filter((state) => state === 'pending').length).toBeGreaterThan(0);
  });

  it('sends each stored close as a candle event without an id to streams that asked for it', async () => {
    const bad = await harness.get('/v1/stream?symbols=BTCUSDT&candles=1m,7m');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/"candles".*"7m"/);
    const stream = await openSse(`${harness.url}/v1/stream?symbols=BTCUSDT&candles=1m`);
    const ticksOnly = await openSse(`${harness.url}/v1/stream?symbols=BTCUSDT`);
    try {
      await stream.waitForEvents((events) => events.some((event) => event.event === 'tick'), 5_000);
      // What the leader's candle writer does when its book closes a candle (the pod leads).
      const engine = (harness.pod as unknown as { engine: Engine }).engine;
      const candle = {
        symbol: 'BTCUSDT',
        interval: '1m' as const,
        openTime: 60_000,
        closeTime: 119_999,
        open: '1.00000000',
        high: '1.00000000',
        low: '1.00000000',
        close: '1.00000000',
        volume: '0.00000000',
        ticks: 1,
      };
      await engine.candles.appendClosed({
        symbol: 'BTCUSDT',
        interval: '1m',
        candles: [candle],
        source: 'close',
      });
      const events = await stream.waitForEvents(
        (all) => all.some((event) => event.event === 'candle'),
        5_000,
      );
      const event = events.find((one) => one.event === 'candle')!;
      expect(event.id).toBeUndefined();
      expect(JSON.parse(event.data)).toEqual(candle);
      await stream.waitForEvents((all) => all.filter((one) => one.event === 'tick').length >= 3, 5_000);
      expect(ticksOnly.events.some((one) => one.event === 'candle')).toBe(false);
    } finally {
      stream.close();
      ticksOnly.close();
    }
  });
});
