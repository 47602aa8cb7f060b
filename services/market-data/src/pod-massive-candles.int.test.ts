/**
 * The minute candles of a pod serving Massive are Massive's own per-minute aggregates (`AM`):
 * a closed 1m candle is the simulator's bar for that minute, exact text, and the 5m candle is
 * folded from those bars. The simulator sends a bar at each real UTC minute's end. The test
 * checks a minute after the first bar: before its first bar the pod cannot know the venue sends
 * bars, so a first bar later than the close grace (a starved machine) finds its minute closed from
 * trades, as designed. It waits for two minute boundaries (at most about 125 s).
 */
import { startMassiveSim, waitFor, type MassiveSim } from '@tickwire/testkit';
import { startPodHarness, type PodHarness } from './testing/pod-harness';

const BAR_WAIT_MS = 160_000;
jest.setTimeout(BAR_WAIT_MS + 30_000);

interface CandleBody {
  openTime: number;
  closeTime: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

const KEY = 'test-key';
let massive: MassiveSim | undefined;
let harness: PodHarness | undefined;

afterEach(async () => {
  await harness?.stop();
  harness = undefined;
  await massive?.stop();
  massive = undefined;
});

/** A field of an `AM` event as the exact token the simulator wrote. */
function token(json: string, key: string): string {
  const match = new RegExp(`"${key}":(-?[0-9.]+)`).exec(json);
  if (!match) throw new Error(`no ${key} in ${json}`);
  return match[1]!;
}

async function closedCandles(interval: string): Promise<CandleBody[]> {
  const response = await harness!.get(
    `/v1/candles/${encodeURIComponent('MASSIVE:AAPL')}?interval=${interval}`,
  );
  if (response.status !== 200) return [];
  const body = (await response.json()) as { candles: CandleBody[] };
  // The last candle is the pod's open one: past its minute's end it may still wait for its bar
  // (the simulator may have sent it, the pod not read it yet). Only the ones before it are closed.
  return body.candles.slice(0, -1);
}

describe('Massive minute candles on a pod', () => {
  it('closes a 1m candle as the AM bar the simulator sent for that minute, exact text', async () => {
    massive = await startMassiveSim({ tradesPerSecond: 20, batchIntervalMs: 50, apiKeys: [KEY] });
    harness = await startPodHarness({
      EXCHANGES: 'massive',
      SYMBOLS: 'MASSIVE:AAPL',
      MASSIVE_API_KEY: KEY,
      MASSIVE_FEED: 'realtime',
      MASSIVE_REALTIME_WS_URL: massive.wsUrl,
      MASSIVE_DELAYED_WS_URL: massive.wsUrl,
      MASSIVE_REST_URL: massive.url,
    });
    const sim = massive;
    const { candle, bar } = await waitFor(
      async () => {
        const bars = sim.recentEvents({ stream: 'AM.AAPL' }).slice(1);
        if (bars.length === 0) return undefined;
        for (const candle of await closedCandles('1m')) {
          const bar = bars.find((event) => Number(token(event.json, 's')) === candle.openTime);
          if (bar) return { candle, bar: bar.json };
        }
        return undefined;
      },
      {
        timeoutMs: BAR_WAIT_MS,
        intervalMs: 250,
        what: 'a closed 1m candle of a minute the simulator sent AM for',
      },
    );
    expect(candle).toMatchObject({
      openTime: Number(token(bar, 's')),
      closeTime: Number(token(bar, 'e')) - 1,
      open: token(bar, 'o'),
      high: token(bar, 'h'),
      low: token(bar, 'l'),
      close: token(bar, 'c'),
      volume: token(bar, 'v'),
    });
  });
});
