import {
  createBinanceAdapter,
  createCoinbaseAdapter,
  createFinnhubAdapter,
  type ExchangeAdapter,
} from '@tickwire/exchanges';
import { startCoinbaseSim, startExchangeSim, startFinnhubSim, waitFor } from '@tickwire/testkit';
import { testUpstream } from '../testing/test-upstream';
import type { Upstream } from './upstream';

const FAILURES_TO_OPEN = 5;

/** What the test needs of any venue's simulator. */
interface VenueSim {
  wsUrl: string;
  url: string;
  stats(): { refusedConnections: number };
  faults: { refuseConnections(on: boolean): void; dropAll(code?: number): void };
  stop(): Promise<void>;
}

interface Venue {
  name: string;
  start(): Promise<VenueSim>;
  adapter: ExchangeAdapter;
  symbols: string[];
}

const venues: Venue[] = [
  {
    name: 'Binance',
    start: () => startExchangeSim({ tradesPerSecond: 10, tickerIntervalMs: 200, pingIntervalMs: 60_000 }),
    adapter: createBinanceAdapter({ streams: ['aggTrade'] }),
    symbols: ['BTCUSDT'],
  },
  {
    name: 'Coinbase',
    start: () => startCoinbaseSim({ tradesPerSecond: 10, heartbeatIntervalMs: 200 }),
    adapter: createCoinbaseAdapter(),
    symbols: ['COINBASE:BTC-USD'],
  },
  {
    name: 'Finnhub',
    start: () => startFinnhubSim({ apiKeys: ['k'], tradesPerSecond: 10 }),
    adapter: createFinnhubAdapter({ token: 'k' }),
    symbols: ['FINNHUB:AAPL'],
  },
];

describe.each(venues)('the connect breaker on $name (against its simulator)', (venue) => {
  let sim: VenueSim;
  let upstream: Upstream | undefined;

  afterEach(async () => {
    await upstream?.stop();
    upstream = undefined;
    await sim.stop();
  });

  it(`opens on the ${FAILURES_TO_OPEN}th refused connect, however many connects succeeded before`, async () => {
    sim = await venue.start();
    const feed = (upstream = testUpstream(sim, {
      adapter: venue.adapter,
      symbols: venue.symbols,
      breakerFailures: FAILURES_TO_OPEN,
    }));
    await feed.start();
    await waitFor(() => feed.status().connection === 'open', { timeoutMs: 5_000, what: 'the connection' });
    // A second good connect: successes must neither hasten nor delay the opening.
    sim.faults.dropAll();
    await waitFor(() => feed.status().reconnects === 1 && feed.status().connection === 'open', {
      timeoutMs: 5_000,
      what: 'the reconnection',
    });

    sim.faults.refuseConnections(true);
    sim.faults.dropAll();
    // Finnhub allows one connect a second: its five attempts alone take more than four.
    await waitFor(() => feed.status().breaker === 'open', { timeoutMs: 15_000, what: 'the breaker to open' });
    expect(sim.stats().refusedConnections).toBe(FAILURES_TO_OPEN);
  });
});
