/**
 * One pod serving three exchanges at once (EXCHANGES=binance,coinbase,finnhub), each from its
 * own protocol-faithful simulator: namespaced symbols, configured and dynamic, end to end
 * through the REST and SSE API.
 */
import {
  openSse,
  startCoinbaseSim,
  startFinnhubSim,
  waitFor,
  type CoinbaseSim,
  type FinnhubSim,
  type SseConnection,
} from '@tickwire/testkit';
import { startPodHarness, type PodHarness } from './testing/pod-harness';

interface PriceBody {
  exchange: string;
  symbol: string;
  last: string;
  source: string;
}

describe('a pod serving Binance, Coinbase and Finnhub', () => {
  let coinbase: CoinbaseSim;
  let finnhub: FinnhubSim;
  let harness: PodHarness | undefined;
  let stream: SseConnection | undefined;

  beforeEach(async () => {
    coinbase = await startCoinbaseSim({ tradesPerSecond: 10, heartbeatIntervalMs: 200 });
    finnhub = await startFinnhubSim({ tradesPerSecond: 10, batchIntervalMs: 100, apiKeys: ['test-key'] });
  });

  afterEach(async () => {
    stream?.close();
    await harness?.stop();
    harness = undefined;
    await coinbase.stop();
    await finnhub.stop();
  });

  const start = () =>
    startPodHarness({
      EXCHANGES: 'binance,coinbase,finnhub',
      SYMBOLS: 'BTCUSDT,coinbase:btc-usd,FINNHUB:AAPL',
      COINBASE_WS_URL: coinbase.wsUrl,
      COINBASE_REST_URL: coinbase.url,
      FINNHUB_WS_URL: finnhub.wsUrl,
      FINNHUB_REST_URL: finnhub.url,
      FINNHUB_API_KEY: 'test-key',
    });

  const price = async (symbol: string) => {
    const response = await harness!.get(`/v1/prices/${encodeURIComponent(symbol)}`);
    return response.status === 200 ? ((await response.json()) as PriceBody) : undefined;
  };

  it('streams every exchange end to end, each symbol under its namespace', async () => {
    harness = await start();
    for (const symbol of ['BTCUSDT', 'COINBASE:BTC-USD', 'FINNHUB:AAPL']) {
      const body = await waitFor(() => price(symbol), { timeoutMs: 5_000, what: `a price for ${symbol}` });
      expect(body.symbol).toBe(symbol);
      expect(body.source).toBe('ws');
      expect(body.last).toMatch(/^\d+(\.\d+)?$/);
    }
    expect((await price('COINBASE:BTC-USD'))!.exchange).toBe('coinbase');
    expect((await price('FINNHUB:AAPL'))!.exchange).toBe('finnhub');
    // One connection per exchange, Finnhub's within its one-per-key rule.
    expect(coinbase.stats().wsConnections).toBe(1);
    expect(finnhub.stats().wsConnections).toBe(1);

    const status = (await (await harness.get('/v1/status')).json()) as {
      upstreams: { exchange: string; connection: string }[];
    };
    expect(status.upstreams.map((u) => [u.exchange, u.connection])).toEqual([
      ['binance', 'open'],
      ['coinbase', 'open'],
      ['finnhub', 'open'],
    ]);
  });

  it('subscribes a listed symbol of another exchange when a client asks for it, and 404s an unlisted one', async () => {
    harness = await start();
    stream = await openSse(`${harness.url}/v1/stream?symbols=coinbase:eth-usd,finnhub:msft`);
    expect(stream.status).toBe(200);
    const symbols = (events: { event: string; data: string }[]) =>
      new Set(events.filter((e) => e.event === 'tick').map((e) => (JSON.parse(e.data) as PriceBody).symbol));
    await stream.waitForEvents((events) => symbols(events).size === 2, 8_000);
    expect(coinbase.subscriptions()).toMatchObject({ 'ticker:ETH-USD': 1 });
    expect(finnhub.subscriptions()).toMatchObject({ MSFT: 1 });

    for (const symbol of ['COINBASE:NOPE-USD', 'FINNHUB:NOPE']) {
      const response = await harness.get(`/v1/prices/${symbol}`);
      expect(response.status).toBe(404);
    }
  });
});
