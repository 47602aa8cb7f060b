/**
 * GET /v1/markets on real pods against the protocol-faithful simulators: every served symbol of
 * three venues with the name its venue's catalog gives it and its ticker's figures; filters,
 * sorting and the 400s of bad parameters; an asset with two venues, listed once under its own
 * name with the venue of its current source, before and after it fails over; and two pods on
 * Redis that list the same markets, a symbol one pod's client asked for and an asset included.
 */
import { randomUUID } from 'node:crypto';
import { compareDecimal } from '@tickwire/core';
import {
  startCoinbaseSim,
  startFinnhubSim,
  startTestRedis,
  waitFor,
  type CoinbaseSim,
  type FinnhubSim,
  type TestRedis,
} from '@tickwire/testkit';
import { startPodHarness, type PodHarness } from '../testing/pod-harness';
import type { MarketEntry } from './market-listing';

jest.setTimeout(60_000);

interface MarketsBody {
  markets: MarketEntry[];
  total: number;
}
interface ErrorBody {
  error: { code: string; message: string };
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

async function post(url: string): Promise<void> {
  const response = await fetch(url, { method: 'POST' });
  if (!response.ok) throw new Error(`POST ${url}: ${response.status}`);
}

async function markets(pod: PodHarness, query = ''): Promise<MarketsBody> {
  const response = await pod.get(`/v1/markets${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as MarketsBody;
}

/** Waits until every one of `symbols` is listed with a price and a name. */
async function priced(pod: PodHarness, symbols: readonly string[], query = ''): Promise<MarketsBody> {
  return waitFor(
    async () => {
      const body = await markets(pod, query);
      const ready = symbols.every((symbol) =>
        body.markets.some((m) => m.symbol === symbol && m.last !== null && m.name !== null),
      );
      return ready ? body : undefined;
    },
    { timeoutMs: 10_000, what: `prices and names of ${symbols.join(', ')}` },
  );
}

describe('GET /v1/markets on a pod serving Binance, Coinbase and Finnhub', () => {
  let coinbase: CoinbaseSim;
  let finnhub: FinnhubSim;
  let harness: PodHarness;

  beforeAll(async () => {
    coinbase = await startCoinbaseSim({ tradesPerSecond: 10, heartbeatIntervalMs: 200 });
    finnhub = await startFinnhubSim({ tradesPerSecond: 10, batchIntervalMs: 100, apiKeys: ['test-key'] });
    harness = await startPodHarness({
      EXCHANGES: 'binance,coinbase,finnhub',
      SYMBOLS: 'BTCUSDT,ETHUSDT,coinbase:btc-usd,FINNHUB:AAPL',
      COINBASE_WS_URL: coinbase.wsUrl,
      COINBASE_REST_URL: coinbase.url,
      FINNHUB_WS_URL: finnhub.wsUrl,
      FINNHUB_REST_URL: finnhub.url,
      FINNHUB_API_KEY: 'test-key',
    });
  });

  afterAll(async () => {
    await harness?.stop();
    await coinbase?.stop();
    await finnhub?.stop();
  });

  it('lists every served symbol with its venue, its catalog name and its ticker figures as exact decimals', async () => {
    const body = await priced(harness, ['BTCUSDT', 'ETHUSDT', 'COINBASE:BTC-USD', 'FINNHUB:AAPL']);
    expect(body.total).toBe(4);
    expect(body.markets.map((m) => [m.symbol, m.kind, m.venue, m.name])).toEqual([
      ['BTCUSDT', 'symbol', 'binance', 'BTC/USDT'],
      ['COINBASE:BTC-USD', 'symbol', 'coinbase', 'BTC-USD'],
      ['ETHUSDT', 'symbol', 'binance', 'ETH/USDT'],
      ['FINNHUB:AAPL', 'symbol', 'finnhub', 'APPLE INC'],
    ]);
    for (const market of body.markets) {
      expect(market.last).toMatch(DECIMAL);
      expect(market.stale).toBe(false);
      expect(typeof market.eventTime).toBe('number');
    }
    // Binance's ticker stream and Coinbase's ticker carry 24 h figures; Finnhub sends trades only.
    const binance = await waitFor(
      async () => (await markets(harness, '?venue=binance')).markets.find((m) => m.changePct !== null),
      { timeoutMs: 5_000, what: 'a Binance 24 h change' },
    );
    expect(binance.changePct).toMatch(DECIMAL);
    expect(binance.baseVolume).toMatch(DECIMAL);
    expect(binance.quoteVolume).toMatch(DECIMAL);
    const aapl = body.markets.find((m) => m.symbol === 'FINNHUB:AAPL');
    expect(aapl).toMatchObject({ changePct: null, quoteVolume: null });
  });

  it('carries the same decimal strings as /v1/prices', async () => {
    await priced(harness, ['BTCUSDT']);
    // Prices move: compare a pair of answers that agree on the event time.
    const pair = await waitFor(
      async () => {
        const listed = (await markets(harness, '?q=BTCUSDT')).markets[0];
        const price = (await (await harness.get('/v1/prices/BTCUSDT')).json()) as {
          last: string;
          changePct?: string;
          baseVolume?: string;
          eventTime: number;
        };
        return listed?.eventTime === price.eventTime ? { listed, price } : undefined;
      },
      { timeoutMs: 10_000, what: 'a market entry and a price of the same instant' },
    );
    expect(pair.listed.last).toBe(pair.price.last);
    expect(pair.listed.changePct).toBe(pair.price.changePct ?? null);
    expect(pair.listed.baseVolume).toBe(pair.price.baseVolume ?? null);
  });

  it('filters by venue and by text in the symbol or the name', async () => {
    await priced(harness, ['COINBASE:BTC-USD', 'FINNHUB:AAPL']);
    expect((await markets(harness, '?venue=coinbase,FINNHUB')).markets.map((m) => m.symbol)).toEqual([
      'COINBASE:BTC-USD',
      'FINNHUB:AAPL',
    ]);
    expect((await markets(harness, '?q=apple')).markets.map((m) => m.symbol)).toEqual(['FINNHUB:AAPL']);
    expect((await markets(harness, '?q=eth')).markets.map((m) => m.symbol)).toEqual(['ETHUSDT']);
    expect(await markets(harness, '?q=nothing-like-it')).toEqual({ markets: [], total: 0 });
  });

  it('sorts by a decimal field, largest first by default, and cuts to the limit after sorting', async () => {
    await priced(harness, ['BTCUSDT', 'ETHUSDT', 'COINBASE:BTC-USD', 'FINNHUB:AAPL']);
    const byLast = await markets(harness, '?sort=last');
    const lasts = byLast.markets.map((m) => m.last!);
    expect([...lasts].sort((a, b) => compareDecimal(b, a))).toEqual(lasts);
    expect(compareDecimal(lasts[0]!, lasts[lasts.length - 1]!)).toBe(1);
    const ascending = await markets(harness, '?sort=last&order=asc&limit=2');
    expect(ascending.total).toBe(4);
    expect(ascending.markets).toHaveLength(2);
    expect(compareDecimal(ascending.markets[0]!.last!, ascending.markets[1]!.last!)).toBeLessThanOrEqual(0);
    // Finnhub gives no 24 h change: AAPL comes last whichever the order.
    for (const order of ['asc', 'desc']) {
      const byChange = await markets(harness, `?sort=changePct&order=${order}`);
      expect(byChange.markets[byChange.markets.length - 1]!.symbol).toBe('FINNHUB:AAPL');
    }
    const byName = await markets(harness, '?sort=name&order=desc');
    expect(byName.markets.map((m) => m.name)).toEqual(['ETH/USDT', 'BTC/USDT', 'BTC-USD', 'APPLE INC']);
  });

  it.each([
    ['?colour=red', 'UNKNOWN_PARAMETER', /colour/],
    [
      '?sort=price',
      'BAD_REQUEST',
      /"sort" must be one of symbol, name, last, changePct, baseVolume, quoteVolume/,
    ],
    ['?order=up', 'BAD_REQUEST', /"order"/],
    ['?venue=kraken', 'BAD_REQUEST', /"venue".*binance, coinbase, finnhub.*"kraken"/],
    ['?limit=0', 'BAD_REQUEST', /"limit"/],
    ['?limit=10001', 'BAD_REQUEST', /"limit"/],
    ['?q=', 'BAD_REQUEST', /"q"/],
    ['?sort=last&sort=name', 'BAD_REQUEST', /"sort"/],
  ])('answers %s with 400 %s naming the parameter', async (query, code, message) => {
    const response = await harness.get(`/v1/markets${query}`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe(code);
    expect(body.error.message).toMatch(message);
  });
});

describe('GET /v1/markets with an asset served from two venues', () => {
  const ASSET = 'BTC-USD';
  const PRIMARY = 'COINBASE:BTC-USD';
  const SECONDARY = 'BTCUSDT';
  let coinbase: CoinbaseSim;
  let harness: PodHarness;

  beforeAll(async () => {
    coinbase = await startCoinbaseSim({ tradesPerSecond: 20, heartbeatIntervalMs: 200 });
    harness = await startPodHarness({
      EXCHANGES: 'binance,coinbase',
      SYMBOLS: 'ETHUSDT',
      COINBASE_WS_URL: coinbase.wsUrl,
      COINBASE_REST_URL: coinbase.url,
      ASSETS: `${ASSET}=${PRIMARY}|${SECONDARY}`,
      // Well beyond a stall of this process, which the simulators share: the primary's ticks are
      // then only late, and the asset must stay on it until the test stalls the primary itself.
      ASSET_STALE_MS: '3000',
      ASSET_SWITCH_BACK_MS: '2000',
    });
  });

  afterAll(async () => {
    await harness?.stop();
    await coinbase?.stop();
  });

  const asset = (body: MarketsBody) => body.markets.find((m) => m.symbol === ASSET);

  it('lists the asset once, under its own name, with its current source, its venue and its ticker figures', async () => {
    const body = await priced(harness, [ASSET, PRIMARY, SECONDARY, 'ETHUSDT']);
    // Its sources stay listed as the venues' symbols; the asset itself only once, as an asset.
    expect(body.markets.map((m) => [m.symbol, m.kind, m.venue, m.name])).toEqual([
      [ASSET, 'asset', 'coinbase', ASSET],
      [SECONDARY, 'symbol', 'binance', 'BTC/USDT'],
      [PRIMARY, 'symbol', 'coinbase', 'BTC-USD'],
      ['ETHUSDT', 'symbol', 'binance', 'ETH/USDT'],
    ]);
    expect(body.total).toBe(4);
    expect(asset(body)).toMatchObject({ origin: PRIMARY, sources: [PRIMARY, SECONDARY], stale: false });
    // The figures are the asset's ticker's, as /v1/prices/BTC-USD serves them at the same instant.
    const pair = await waitFor(
      async () => {
        const listed = asset(await markets(harness, `?q=${ASSET}`));
        const price = (await (await harness.get(`/v1/prices/${ASSET}`)).json()) as {
          last: string;
          changePct?: string;
          quoteVolume?: string;
          origin: string;
          eventTime: number;
        };
        return listed?.eventTime === price.eventTime && listed.changePct !== null
          ? { listed, price }
          : undefined;
      },
      { timeoutMs: 10_000, what: 'an asset entry and its price of the same instant' },
    );
    expect(pair.listed.last).toBe(pair.price.last);
    expect(pair.listed.changePct).toBe(pair.price.changePct ?? null);
    expect(pair.listed.quoteVolume).toBe(pair.price.quoteVolume ?? null);
    expect(pair.listed.origin).toBe(pair.price.origin);
  });

  it('filters and sorts the asset like any market: by its name, and by the venue it is served from now', async () => {
    await priced(harness, [ASSET, PRIMARY, SECONDARY, 'ETHUSDT']);
    expect((await markets(harness, '?q=btc-usd')).markets.map((m) => m.symbol)).toEqual([ASSET, PRIMARY]);
    expect((await markets(harness, '?venue=coinbase')).markets.map((m) => m.symbol)).toEqual([
      ASSET,
      PRIMARY,
    ]);
    expect((await markets(harness, '?venue=binance')).markets.map((m) => m.symbol)).toEqual([
      SECONDARY,
      'ETHUSDT',
    ]);
    const byChange = await waitFor(
      async () => {
        const body = await markets(harness, '?sort=changePct');
        return body.markets.every((m) => m.changePct !== null) ? body : undefined;
      },
      { timeoutMs: 10_000, what: 'a 24 h change of every market' },
    );
    expect(byChange.markets.map((m) => m.symbol)).toContain(ASSET);
    const changes = byChange.markets.map((m) => m.changePct!);
    expect([...changes].sort((a, b) => compareDecimal(b, a))).toEqual(changes);
  });

  it('moves the asset to the venue of the source it fails over to', async () => {
    await priced(harness, [ASSET]);
    await post(`${coinbase.url}/_sim/stall?ms=0`);
    try {
      const moved = await waitFor(async () => asset(await markets(harness, '?venue=binance')), {
        timeoutMs: 10_000,
        what: 'the asset served from Binance',
      });
      expect(moved).toMatchObject({ kind: 'asset', venue: 'binance', name: ASSET, origin: SECONDARY });
      expect(asset(await markets(harness, '?venue=coinbase'))).toBeUndefined();
      expect((await markets(harness)).markets.filter((m) => m.symbol === ASSET)).toHaveLength(1);
    } finally {
      await post(`${coinbase.url}/_sim/resume`);
    }
  });
});

describe('GET /v1/markets on two pods of one Redis cluster', () => {
  let redis: TestRedis;
  const pods: PodHarness[] = [];

  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    for (const pod of pods.splice(0)) await pod.stop();
    await redis?.stop();
  });

  it('lists the same markets on every pod, a symbol one pod was asked for and an asset included', async () => {
    const namespace = `t${randomUUID().slice(0, 8)}`;
    for (let i = 0; i < 2; i += 1)
      pods.push(
        await startPodHarness({
          REDIS_URL: redis.url,
          REDIS_NAMESPACE: namespace,
          ASSETS: 'BTC-USD=BTCUSDT',
        }),
      );
    const [first, second] = pods as [PodHarness, PodHarness];
    // A client of the first pod asks for a symbol nobody configured: the cluster subscribes it.
    await waitFor(async () => (await first.get('/v1/prices/BNBUSDT')).status === 200, {
      timeoutMs: 10_000,
      what: 'a BNBUSDT price on the first pod',
    });
    const symbols = ['BTCUSDT', 'ETHUSDT', 'BNBUSDT', 'BTC-USD'];
    const [a, b] = [await priced(first, symbols), await priced(second, symbols)];
    const listing = (body: MarketsBody) => body.markets.map((m) => [m.symbol, m.venue, m.name]);
    expect(listing(a)).toEqual([
      ['BNBUSDT', 'binance', 'BNB/USDT'],
      ['BTC-USD', 'binance', 'BTC-USD'],
      ['BTCUSDT', 'binance', 'BTC/USDT'],
      ['ETHUSDT', 'binance', 'ETH/USDT'],
    ]);
    expect(listing(b)).toEqual(listing(a));
  });
});
