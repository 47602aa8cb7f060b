/**
 * One simulator per test with fast timings, plus WebSocket clients that are all closed (and the
 * simulator stopped) after each test. Call at the top of a test file.
 */
import { startExchangeSim, type ExchangeSim, type SimOptions } from '../index';
import { TestClient } from './ws-test-client';

/** Fast timings so every test finishes in a second or two; pings are out of the way unless asked for. */
export const FAST_SIM: SimOptions = {
  tradesPerSecond: 20,
  tickerIntervalMs: 100,
  klineIntervalMs: 100,
  pingIntervalMs: 60_000,
};

export interface SimFixture {
  start(options?: SimOptions): Promise<ExchangeSim>;
  connect(path: string, options?: { autoPong?: boolean }): Promise<TestClient>;
}

export function useSimFixture(defaults: SimOptions = {}): SimFixture {
  let sim: ExchangeSim | undefined;
  const clients: TestClient[] = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await sim?.stop();
    sim = undefined;
  });

  return {
    start: async (options = {}) => {
      sim = await startExchangeSim({ ...FAST_SIM, ...defaults, ...options });
      return sim;
    },
    connect: async (path, options = {}) => {
      if (!sim) throw new Error('start the simulator first');
      const client = await TestClient.connect(`${sim.wsUrl}${path}`, options);
      clients.push(client);
      return client;
    },
  };
}
