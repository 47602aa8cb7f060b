import {
  createBinanceAdapter,
  createCoinbaseAdapter,
  createFinnhubAdapter,
  type ExchangeAdapter,
} from '@tickwire/exchanges';
import { startCoinbaseSim, startExchangeSim, startFinnhubSim, waitFor } from '@tickwire/testkit';
import { testUpstream } from '../testing/test-upstream';
import { SILENT_AFTER_CADENCES, type FeedState } from './feed-connection';
import type { Upstream } from './upstream';

/** The feeds' cadence: Binance's ticker and Coinbase's heartbeat, as the adapters promise. */
const CADENCE_MS = 1_000;
const STALL_MS = 5_000;

interface VenueSim {
  wsUrl: string;
  url: string;
  faults: { stall(ms: number): void };
  stop(): Promise<void>;
}

/** An upstream on `sim` whose watchdog stays out of the stall, recording its connection states. */
function upstreamOn(
  sim: VenueSim,
  adapter: ExchangeAdapter,
  symbols: string[],
  states: FeedState[],
): Upstream {
  return testUpstream(sim, {
    adapter,
    symbols,
    watchdogMs: 30_000,
    onStatus: (status) => {
      if (states.at(-1) !== status.connection) states.push(status.connection);
    },
  });
}

const cadenced = [
  {
    name: 'Binance (@ticker every second)',
    start: () =>
      startExchangeSim({ tradesPerSecond: 5, tickerIntervalMs: CADENCE_MS, pingIntervalMs: 60_000 }),
    adapter: createBinanceAdapter(),
    symbols: ['BTCUSDT'],
  },
  {
    name: 'Coinbase (heartbeat every second)',
    start: () => startCoinbaseSim({ tradesPerSecond: 5, heartbeatIntervalMs: CADENCE_MS }),
    adapter: createCoinbaseAdapter(),
    symbols: ['COINBASE:BTC-USD'],
  },
];

describe('an upstream whose feed stalls (against the simulators)', () => {
  let sim: VenueSim | undefined;
  let upstream: Upstream | undefined;

  afterEach(async () => {
    await upstream?.stop();
    upstream = undefined;
    await sim?.stop();
    sim = undefined;
  });

  it.each(cadenced)(
    'reports silent after three missed cadences on $name, and open at the next frame, without reconnecting',
    async (venue) => {
      const running = await venue.start();
      sim = running;
      const states: FeedState[] = [];
      const feed = (upstream = upstreamOn(running, venue.adapter, venue.symbols, states));
      await feed.start();
      await waitFor(() => feed.status().lastFrameAt !== undefined && feed.status().connection === 'open', {
        timeoutMs: 5_000,
        what: 'frames on the open connection',
      });
      running.faults.stall(STALL_MS);
      const silent = await waitFor(
        () => {
          const status = feed.status();
          return status.connection === 'silent' && status;
        },
        // Three cadences after the last frame, which came at most one cadence before the stall,
        // and room for a loaded machine.
        { timeoutMs: (SILENT_AFTER_CADENCES + 2) * CADENCE_MS, intervalMs: 10, what: 'the silence' },
      );
      // Never sooner than three cadences after the last frame (both read on this process's clock).
      expect(Date.now() - silent.lastFrameAt!).toBeGreaterThanOrEqual(SILENT_AFTER_CADENCES * CADENCE_MS);
      expect(silent.connectedSince).toBeDefined();
      await waitFor(() => feed.status().connection === 'open', {
        timeoutMs: STALL_MS + 2_000,
        what: 'the feed to deliver again',
      });
      expect(feed.status().reconnects).toBe(0);
      expect(states.slice(-3)).toEqual(['open', 'silent', 'open']);
    },
    15_000,
  );

  it('keeps a trades-only feed (Finnhub) open through the stall: without a cadence only the watchdog can tell', async () => {
    const running = await startFinnhubSim({ apiKeys: ['k'], tradesPerSecond: 5 });
    sim = running;
    const states: FeedState[] = [];
    const feed = (upstream = upstreamOn(
      running,
      createFinnhubAdapter({ token: 'k' }),
      ['FINNHUB:AAPL'],
      states,
    ));
    await feed.start();
    await waitFor(() => feed.status().lastFrameAt !== undefined && feed.status().connection === 'open', {
      timeoutMs: 5_000,
      what: 'frames on the open connection',
    });
    running.faults.stall(STALL_MS);
    const stalledFrames = feed.status().lastFrameAt!;
    // Past the point where a cadenced feed is reported silent.
    await waitFor(() => Date.now() - stalledFrames > (SILENT_AFTER_CADENCES + 1) * CADENCE_MS, {
      timeoutMs: STALL_MS,
      intervalMs: 50,
      what: 'four seconds of stall',
    });
    expect(feed.status().connection).toBe('open');
    expect(states).not.toContain('silent');
  }, 15_000);
});
