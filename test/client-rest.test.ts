/**
 * The SDK's REST client against a real pod (memory engine) and the simulator: typed prices,
 * candles and status; a repeated request revalidates with the entity tag and gets the same
 * object from a 304; the pod's errors come back as TickwireClientErrors with its codes. The types
 * the client declares are checked against the pod's own at compile time.
 */
import type {
  CandleHistory as ClientCandles,
  MarketEntry as ClientMarketEntry,
  PodStatus as ClientPodStatus,
} from '@tickwire/client';
import { TickwireClient, TickwireClientError } from '@tickwire/client';
import { startExchangeSim, waitFor, type ExchangeSim, type PodProcess } from '@tickwire/testkit';
import type { PodStatus } from '../services/market-data/src/status';
import type { CandleAnswer } from '../services/market-data/src/candles';
import type { MarketEntry } from '../services/market-data/src/markets';
import { requestsServed, startPricedPod } from './support/priced-pod';

// What the pod produces must fit what the client declares (fails to compile when they drift apart).
type Fits<Declared, Served extends Declared> = Served;
export type PodStatusFits = Fits<ClientPodStatus, PodStatus>;
export type CandlesFit = Fits<ClientCandles, CandleAnswer & Pick<ClientCandles, 'symbol' | 'interval'>>;
export type MarketEntryFits = Fits<ClientMarketEntry, MarketEntry>;

jest.setTimeout(30_000);

describe('TickwireClient against a pod', () => {
  let sim: ExchangeSim | undefined;
  let pod: PodProcess | undefined;

  afterEach(async () => {
    await pod?.stop();
    await sim?.stop();
    pod = sim = undefined;
  });

  it('reads prices, markets, candles and status, reuses entity tags, and reports the pod errors by code', async () => {
    sim = await startExchangeSim({ seed: 3, tradesPerSecond: 5, tickerIntervalMs: 250 });
    const started = (pod = await startPricedPod(sim, ['BTCUSDT', 'ETHUSDT']));
    const client = new TickwireClient({ baseUrl: `${started.url}/` });

    const first = await client.prices(['BTCUSDT', 'ETHUSDT']);
    expect(first.missing).toEqual([]);
    expect(first.prices.map((p) => p.symbol).sort()).toEqual(['BTCUSDT', 'ETHUSDT']);
    expect(first.prices[0]!.last).toMatch(/^\d+\.\d+$/);
    expect(first.prices[0]!.stale).toBe(false);

    // With the feed stalled the price stays put: a second request is revalidated, not resent, and
    // answers the very object of the first (a tick still in flight may change it once: then again).
    sim.faults.stall(0);
    await waitFor(
      async () => {
        const price = await client.price('ethusdt');
        const revalidated = await requestsServed(started, '/v1/prices/:symbol', 304);
        const again = await client.price('ethusdt');
        return (
          again === price && (await requestsServed(started, '/v1/prices/:symbol', 304)) === revalidated + 1
        );
      },
      { timeoutMs: 5_000, what: 'a 304 answered with the same object' },
    );
    sim.faults.resume();

    const candles = await client.candles('BTCUSDT', { interval: '1m', limit: 5 });
    expect(candles).toMatchObject({ symbol: 'BTCUSDT', interval: '1m' });
    expect(candles.candles.length).toBeLessThanOrEqual(5);

    const markets = await client.markets({
      venues: ['binance'],
      q: 'usdt',
      sort: 'symbol',
      order: 'desc',
      limit: 1,
    });
    expect(markets).toMatchObject({
      total: 2,
      markets: [{ symbol: 'ETHUSDT', venue: 'binance', name: 'ETH/USDT' }],
    });

    const status = await client.status();
    expect(status).toMatchObject({ role: 'leader', engine: 'memory', symbols: ['BTCUSDT', 'ETHUSDT'] });

    const unknown = await client.price('NOPEUSDT').catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(TickwireClientError);
    expect(unknown).toMatchObject({ code: 'UNKNOWN_SYMBOL', status: 404 });
    const badLimit = await client.candles('BTCUSDT', { limit: 0 }).catch((error: unknown) => error);
    expect(badLimit).toMatchObject({ code: 'BAD_REQUEST', status: 400 });
  });

  it('reports a pod that does not answer as a network error', async () => {
    const client = new TickwireClient({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 2_000 });
    await expect(client.status()).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
  });
});
