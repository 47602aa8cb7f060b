/**
 * Finnhub forex end to end against the protocol-faithful simulator: the pairs of the configured
 * brokers (FINNHUB_FOREX_EXCHANGES) listed from `/forex/symbol`, streamed on the same one Finnhub
 * connection as the stocks and within its symbol limit, their prices exact decimal strings; and
 * what the free plan lacks said as such: candles refused (BACKFILL_NOT_ENTITLED), the premium
 * endpoints named in /v1/status.
 */
import { openSse, startFinnhubSim, waitFor, type FinnhubSim, type SseConnection } from '@tickwire/testkit';
import { startPodHarness, type PodHarness } from './testing/pod-harness';

jest.setTimeout(60_000);

const KEY = 'test-key';

interface PriceBody {
  exchange: string;
  symbol: string;
  last: string;
  lastQty?: string;
  source: string;
}
interface ErrorBody {
  error: { code: string; message: string };
}

describe('Finnhub forex on a pod', () => {
  let finnhub: FinnhubSim;
  let harness: PodHarness;
  let stream: SseConnection | undefined;

  beforeAll(async () => {
    finnhub = await startFinnhubSim({
      tradesPerSecond: 20,
      batchIntervalMs: 100,
      apiKeys: [KEY],
      forexSymbols: ['OANDA:EUR_USD', 'OANDA:GBP_USD', 'FXPRO:EUR_USD'],
    });
    harness = await startPodHarness({
      EXCHANGES: 'binance,finnhub',
      SYMBOLS: 'BTCUSDT,FINNHUB:AAPL,FINNHUB:OANDA:EUR_USD',
      FINNHUB_WS_URL: finnhub.wsUrl,
      FINNHUB_REST_URL: finnhub.url,
      FINNHUB_API_KEY: KEY,
      FINNHUB_FOREX_EXCHANGES: 'oanda',
      // The plan's symbol limit, shared by stocks and forex: room for one more.
      FINNHUB_MAX_SYMBOLS: '3',
    });
  });

  afterAll(async () => {
    stream?.close();
    await harness?.stop();
    await finnhub?.stop();
  });

  const price = async (symbol: string) => {
    const response = await harness.get(`/v1/prices/${encodeURIComponent(symbol)}`);
    return response.status === 200 ? ((await response.json()) as PriceBody) : undefined;
  };

  it('streams a configured pair with its price exactly as Finnhub wrote it, and no trade size', async () => {
    const body = await waitFor(() => price('finnhub:oanda:eur_usd'), {
      timeoutMs: 10_000,
      what: 'a EUR/USD price',
    });
    expect(body).toMatchObject({ exchange: 'finnhub', symbol: 'FINNHUB:OANDA:EUR_USD', source: 'ws' });
    // "a price update will be sent with volume = 0": a quote, not a trade.
    expect(body.lastQty).toBeUndefined();
    const written = finnhub.recentEvents({ symbol: 'OANDA:EUR_USD' }).map((event) => event.json);
    expect(written.some((json) => json.includes(`"p":${body.last},`))).toBe(true);
    expect(written.every((json) => json.includes('"v":0'))).toBe(true);
  });

  it("subscribes a listed pair on the same one connection, within the plan's symbol limit", async () => {
    stream = await openSse(`${harness.url}/v1/stream?symbols=FINNHUB:OANDA:GBP_USD`);
    expect(stream.status).toBe(200);
    await stream.waitForEvents(
      (events) =>
        events.some(
          (e) => e.event === 'tick' && (JSON.parse(e.data) as PriceBody).symbol === 'FINNHUB:OANDA:GBP_USD',
        ),
      10_000,
    );
    expect(finnhub.subscriptions()).toEqual({ AAPL: 1, 'OANDA:EUR_USD': 1, 'OANDA:GBP_USD': 1 });
    expect(finnhub.stats().wsConnections).toBe(1);
    // The fourth Finnhub symbol is past the limit: refused and reported, never sent.
    expect((await harness.get('/v1/prices/FINNHUB:MSFT')).status).toBe(503);
    const refused = await waitFor(
      async () => {
        const status = (await (await harness.get('/v1/status')).json()) as {
          upstreams: { exchange: string; symbols: { refused: string[] } }[];
        };
        const finnhubStatus = status.upstreams.find((u) => u.exchange === 'finnhub');
        return finnhubStatus?.symbols.refused.includes('FINNHUB:MSFT') ? finnhubStatus : undefined;
      },
      { timeoutMs: 10_000, what: 'FINNHUB:MSFT refused' },
    );
    expect(refused.symbols.refused).toEqual(['FINNHUB:MSFT']);
    expect(Object.keys(finnhub.subscriptions())).not.toContain('MSFT');
    expect(finnhub.stats().subscribesOverLimit).toBe(0);
  });

  it('knows only the pairs of the configured brokers', async () => {
    const response = await harness.get('/v1/prices/FINNHUB:FXPRO:EUR_USD');
    expect(response.status).toBe(404);
    expect(((await response.json()) as ErrorBody).error.code).toBe('UNKNOWN_SYMBOL');
  });

  it('lists the pairs in /v1/markets under the broker name Finnhub gives them', async () => {
    const body = await waitFor(
      async () => {
        const answer = (await (await harness.get('/v1/markets?venue=finnhub&q=eur')).json()) as {
          markets: { symbol: string; name: string | null; last: string | null; changePct: string | null }[];
        };
        return answer.markets[0]?.last ? answer : undefined;
      },
      { timeoutMs: 10_000, what: 'EUR/USD in the market list' },
    );
    expect(body.markets).toEqual([
      expect.objectContaining({ symbol: 'FINNHUB:OANDA:EUR_USD', name: 'Oanda EUR/USD', changePct: null }),
    ]);
  });

  it('says the free plan has no forex candles instead of making some up', async () => {
    const body = await waitFor(
      async () => {
        const answer = (await (
          await harness.get('/v1/candles/FINNHUB:OANDA:EUR_USD?interval=1h')
        ).json()) as {
          backfill: string;
          backfillReason?: { code: string; message: string };
          candles: unknown[];
        };
        return answer.backfill === 'unavailable' ? answer : undefined;
      },
      { timeoutMs: 10_000, what: 'the forex candle refusal' },
    );
    expect(body.backfillReason?.code).toBe('BACKFILL_NOT_ENTITLED');
    expect(body.backfillReason?.message).toContain("You don't have access to this resource.");
    // Only what the relay saw itself: the open hour, built from price updates (no trades, volume 0).
    expect(body.candles.length).toBeLessThanOrEqual(1);
    const open = await waitFor(
      async () => {
        const answer = (await (
          await harness.get('/v1/candles/FINNHUB:OANDA:EUR_USD?interval=1h')
        ).json()) as {
          candles: { open: string; volume: string; ticks: number }[];
        };
        return answer.candles[0];
      },
      { timeoutMs: 10_000, what: 'the open EUR/USD candle' },
    );
    expect(open.open).toMatch(/^\d+\.\d+$/);
    expect(open.volume).toBe('0');
  });

  it('names in /v1/status what Finnhub keeps to Premium plans and what the relay does without it', async () => {
    const status = (await (await harness.get('/v1/status')).json()) as {
      planLimits: {
        exchange: string;
        feature: string;
        endpoints: string[];
        plans: string;
        without: string;
      }[];
      symbolCatalog: { exchanges: { finnhub: { available: boolean; count: number } } };
    };
    expect(status.planLimits.map((limit) => [limit.exchange, limit.endpoints, limit.plans])).toEqual([
      ['finnhub', ['/api/v1/stock/candle', '/api/v1/crypto/candle', '/api/v1/forex/candle'], 'Premium'],
      ['finnhub', ['/api/v1/forex/rates'], 'Premium'],
    ]);
    expect(status.planLimits[1]?.without).toMatch(/serves no conversion rates/);
    // US stocks, Binance pairs and OANDA's two pairs (not FXPRO's): every list loaded.
    const stocks = (await (
      await fetch(`${finnhub.url}/api/v1/stock/symbol?exchange=US&token=${KEY}`)
    ).json()) as unknown[];
    const crypto = (await (
      await fetch(`${finnhub.url}/api/v1/crypto/symbol?exchange=binance&token=${KEY}`)
    ).json()) as unknown[];
    expect(status.symbolCatalog.exchanges.finnhub).toMatchObject({
      available: true,
      count: stocks.length + crypto.length + 2,
    });
  });
});
