import { createBinanceAdapter } from '@tickwire/exchanges';
import { createLogger } from '@tickwire/observability';
import { startExchangeSim, waitFor, watchEventLoopStalls, type ExchangeSim } from '@tickwire/testkit';
import { testRestClient } from '../testing/rest-client';
import { SymbolCatalog } from './symbol-catalog';
import type { SymbolCatalogOptions } from './symbol-catalog';

const SIM_SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'];
/** Every test finishes well within this; jest's own timeout is a backstop. */
const TEST_TIMEOUT_MS = 15_000;

/** A quiet simulator: only its REST API matters here. */
function startSim(port = 0): Promise<ExchangeSim> {
  return startExchangeSim({
    port,
    symbols: SIM_SYMBOLS,
    tradesPerSecond: 1,
    tickerIntervalMs: 1_000,
    pingIntervalMs: 60_000,
  });
}

function newCatalog(restBaseUrl: string, options: Partial<SymbolCatalogOptions> = {}): SymbolCatalog {
  const exchanges = [{ adapter: createBinanceAdapter(), restBaseUrl }];
  return new SymbolCatalog({
    adapters: exchanges,
    alwaysKnown: ['BTCUSDT', 'XRPUSDT'],
    rest: testRestClient(exchanges),
    logger: createLogger({ level: 'silent', service: 'test' }),
    timeoutMs: 1_000,
    startTimeoutMs: 3_000,
    retryBaseMs: 50,
    retryMaxMs: 200,
    ...options,
  });
}

describe('SymbolCatalog against the Binance simulator', () => {
  it(
    "loads the simulator's symbols and answers unknown for the others",
    async () => {
      const sim = await startSim();
      const catalog = newCatalog(sim.url);
      try {
        await catalog.start();
        for (const symbol of SIM_SYMBOLS) expect(catalog.lookup(symbol)).toBe('known');
        expect(catalog.lookup('DOGEUSDT')).toBe('unknown');
        expect(catalog.has('DOGEUSDT')).toBe(false);
        expect(catalog.lookup('COINBASE:BTC-USD')).toBe('unknown');
        // Configured but not listed: still served.
        expect(catalog.lookup('XRPUSDT')).toBe('known');
        expect(catalog.size()).toBe(4);
        expect(catalog.state().exchanges['binance']).toMatchObject({
          available: true,
          count: 3,
          error: undefined,
        });
        expect(sim.stats().restRequests).toBe(1);
      } finally {
        await catalog.stop();
        await sim.stop();
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'starts unavailable while the simulator is down, and knows its symbols soon after it comes up',
    async () => {
      // A port nothing listens on, which the simulator can take later.
      const probe = await startSim();
      const { port, url } = probe;
      await probe.stop();
      const catalog = newCatalog(url, { startAttempts: 2 });
      let sim: ExchangeSim | undefined;
      try {
        const startedAt = Date.now();
        await catalog.start();
        expect(Date.now() - startedAt).toBeLessThan(3_000);
        expect(catalog.lookup('ETHUSDT')).toBe('unavailable');
        expect(catalog.lookup('BTCUSDT')).toBe('known');
        expect(catalog.state()).toMatchObject({
          available: false,
          exchanges: { binance: { available: false, error: { code: 'SYMBOL_LIST_NETWORK' } } },
        });

        sim = await startSim(port);
        const upAt = Date.now();
        // The catalog's timers run no more punctually than this process's loop.
        const stalls = watchEventLoopStalls();
        try {
          await waitFor(() => catalog.lookup('ETHUSDT') === 'known', { timeoutMs: 5_000, what: 'the list' });
        } finally {
          stalls.stop();
        }
        // Retries are capped at retryMaxMs (200 ms), plus one request.
        expect(Date.now() - upAt).toBeLessThan(1_500 + stalls.stalledMs());
        expect(catalog.lookup('DOGEUSDT')).toBe('unknown');
        expect(catalog.state().available).toBe(true);
      } finally {
        await catalog.stop();
        await sim?.stop();
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'honours a 429 Retry-After before asking again',
    async () => {
      const sim = await startSim();
      const catalog = newCatalog(sim.url);
      try {
        sim.faults.restFault({ status: 429, count: 1, retryAfterSec: 1 });
        const startedAt = Date.now();
        await catalog.start();
        await waitFor(() => catalog.lookup('ETHUSDT') === 'known', { timeoutMs: 5_000, what: 'the list' });
        // Backoff alone would have asked again within 200 ms.
        expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1_000);
        expect(sim.stats().restRequests).toBe(2);
        expect(catalog.state().exchanges['binance']).toMatchObject({ available: true, failures: 0 });
      } finally {
        await catalog.stop();
        await sim.stop();
      }
    },
    TEST_TIMEOUT_MS,
  );
});
