import type { ExchangeAdapter } from '@tickwire/exchanges';
import { createBinanceAdapter, createCoinbaseAdapter, createFinnhubAdapter } from '@tickwire/exchanges';
import { createLogger } from '@tickwire/observability';
import { waitFor, watchEventLoopStalls } from '@tickwire/testkit';
import { testRestClient } from '../testing/rest-client';
import { SymbolCatalog } from './symbol-catalog';
import type { SymbolCatalogOptions, SymbolCatalogState } from './symbol-catalog';
import { SymbolCatalogError } from './symbol-catalog-errors';

const BINANCE_URL = 'http://binance.test';
const COINBASE_URL = 'http://coinbase.test';
const FINNHUB_URL = 'http://finnhub.test';
const TOKEN = 'secret-key';

const EXCHANGE_INFO = JSON.stringify({
  timezone: 'UTC',
  rateLimits: [],
  symbols: [
    { symbol: 'BTCUSDT', status: 'TRADING', baseAsset: 'BTC', quoteAsset: 'USDT' },
    { symbol: 'ETHUSDT', status: 'TRADING', baseAsset: 'ETH', quoteAsset: 'USDT' },
    { symbol: 'BNBBTC', status: 'HALT', baseAsset: 'BNB', quoteAsset: 'BTC' },
  ],
});
const PRODUCTS = JSON.stringify([
  { id: 'BTC-USD', status: 'online', trading_disabled: false },
  { id: 'OLD-USD', status: 'delisted', trading_disabled: true },
]);
const US_STOCKS = JSON.stringify([{ symbol: 'AAPL', displaySymbol: 'AAPL', type: 'Common Stock' }]);
const BINANCE_PAIRS = JSON.stringify([{ symbol: 'BINANCE:BTCUSDT', displaySymbol: 'BTC/USDT' }]);

type Answer = { status?: number; body?: string; headers?: Record<string, string> } | 'refuse' | 'hang';
type Route = (url: string, headers: Headers) => Answer;

/** A fetch that answers from `route`; records every call. */
function fakeFetch(route: Route) {
  const calls: { url: string; headers: Headers; at: number }[] = [];
  const impl = ((input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const headers = new Headers(init?.headers);
    calls.push({ url, headers, at: Date.now() });
    const answer = route(url, headers);
    if (answer === 'refuse') {
      return Promise.reject(
        new TypeError('fetch failed', {
          cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
        }),
      );
    }
    if (answer === 'hang') {
      return new Promise<Response>((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
      );
    }
    return Promise.resolve(
      new Response(answer.body ?? '', { status: answer.status ?? 200, headers: answer.headers }),
    );
  }) as typeof fetch;
  return { impl, calls };
}

/** Every exchange answers its list. */
const healthy: Route = (url) => {
  if (url.startsWith(BINANCE_URL)) return { body: EXCHANGE_INFO };
  if (url.startsWith(COINBASE_URL)) return { body: PRODUCTS };
  if (url.includes('/stock/symbol')) return { body: US_STOCKS };
  return { body: BINANCE_PAIRS };
};

const logger = createLogger({ level: 'silent', service: 'test' });
const catalogs: SymbolCatalog[] = [];

function newCatalog(
  fetchImpl: typeof fetch,
  options: Partial<SymbolCatalogOptions> = {},
  adapters: ExchangeAdapter[] = [createBinanceAdapter()],
): SymbolCatalog {
  const urls: Record<string, string> = { binance: BINANCE_URL, coinbase: COINBASE_URL, finnhub: FINNHUB_URL };
  const exchanges = adapters.map((adapter) => ({ adapter, restBaseUrl: urls[adapter.id] ?? '' }));
  const catalog = new SymbolCatalog({
    adapters: exchanges,
    alwaysKnown: ['SOLUSDT'],
    rest: testRestClient(exchanges, { fetch: fetchImpl }),
    logger,
    timeoutMs: 200,
    startTimeoutMs: 2_000,
    retryBaseMs: 20,
    retryMaxMs: 50,
    random: () => 1,
    ...options,
  });
  catalogs.push(catalog);
  return catalog;
}

afterEach(async () => {
  await Promise.all(catalogs.splice(0).map((catalog) => catalog.stop()));
});

describe('SymbolCatalog', () => {
  it('knows every listed symbol of every exchange once started, and nothing else', async () => {
    const { impl, calls } = fakeFetch(healthy);
    const catalog = newCatalog(impl, {}, [
      createBinanceAdapter(),
      createCoinbaseAdapter(),
      createFinnhubAdapter({ token: TOKEN }),
    ]);
    await catalog.start();

    for (const symbol of [
      'BTCUSDT',
      'ETHUSDT',
      'COINBASE:BTC-USD',
      'FINNHUB:AAPL',
      'FINNHUB:BINANCE:BTCUSDT',
    ]) {
      expect(catalog.has(symbol)).toBe(true);
      expect(catalog.lookup(symbol)).toBe('known');
    }
    for (const symbol of [
      'BNBBTC',
      'NOPEUSDT',
      'COINBASE:OLD-USD',
      'FINNHUB:MSFT',
      'btcusdt',
      'not a symbol',
    ]) {
      expect(catalog.has(symbol)).toBe(false);
      expect(catalog.lookup(symbol)).toBe('unknown');
    }
    // Listed nowhere, but configured.
    expect(catalog.lookup('SOLUSDT')).toBe('known');
    // Each named as its exchange's list names it; a symbol no list carries has no name.
    expect(
      ['BTCUSDT', 'COINBASE:BTC-USD', 'FINNHUB:AAPL', 'FINNHUB:BINANCE:BTCUSDT', 'SOLUSDT', 'BNBBTC'].map(
        (symbol) => catalog.name(symbol),
      ),
    ).toEqual(['BTC/USDT', 'BTC-USD', 'AAPL', 'BTC/USDT', undefined, undefined]);
    expect(catalog.size()).toBe(6);
    expect(catalog.state()).toMatchObject({
      available: true,
      size: 6,
      exchanges: {
        binance: { available: true, count: 2, error: undefined, failures: 0 },
        coinbase: { available: true, count: 1 },
        finnhub: { available: true, count: 2 },
      },
    });
    // The Finnhub key travels in a header, never in the URL.
    const finnhubCalls = calls.filter((call) => call.url.startsWith(FINNHUB_URL));
    expect(finnhubCalls.map((call) => call.url)).toEqual([
      `${FINNHUB_URL}/api/v1/stock/symbol?exchange=US`,
      `${FINNHUB_URL}/api/v1/crypto/symbol?exchange=binance`,
    ]);
    expect(finnhubCalls.every((call) => call.headers.get('x-finnhub-token') === TOKEN)).toBe(true);
  });

  it('answers unknown for a symbol of an exchange the cluster does not serve', async () => {
    const catalog = newCatalog(fakeFetch(healthy).impl);
    await catalog.start();
    expect(catalog.lookup('COINBASE:BTC-USD')).toBe('unknown');
    expect(catalog.lookup('FINNHUB:AAPL')).toBe('unknown');
  });

  it('resolves start within its bound while the exchange is unreachable, then loads in the background', async () => {
    let reachable = false;
    const { impl, calls } = fakeFetch((url) => (reachable ? healthy(url, new Headers()) : 'refuse'));
    const catalog = newCatalog(impl, { startAttempts: 3 });
    const startedAt = Date.now();
    // The retries' timers run no more punctually than this process's loop.
    const stalls = watchEventLoopStalls();
    try {
      await catalog.start();
    } finally {
      stalls.stop();
    }
    expect(Date.now() - startedAt).toBeLessThan(1_000 + stalls.stalledMs());

    expect(catalog.lookup('SOLUSDT')).toBe('known');
    expect(catalog.has('SOLUSDT')).toBe(true);
    expect(catalog.lookup('BTCUSDT')).toBe('unavailable');
    expect(catalog.has('BTCUSDT')).toBe(false);
    // Configured symbols are known even of an exchange whose list never came.
    expect(catalog.state()).toMatchObject({
      available: false,
      size: 1,
      exchanges: { binance: { available: false, count: 0, error: { code: 'SYMBOL_LIST_NETWORK' } } },
    });
    expect(catalog.state().exchanges['binance']?.error?.message).toMatch(/ECONNREFUSED/);
    expect(calls.length).toBeGreaterThanOrEqual(3);

    reachable = true;
    await waitFor(() => catalog.lookup('BTCUSDT') === 'known', { timeoutMs: 5_000, what: 'the list' });
    expect(catalog.state().exchanges['binance']).toMatchObject({
      available: true,
      error: undefined,
      failures: 0,
    });
  });

  it('keeps the previous list when a refresh fails, an empty list counting as a failure', async () => {
    let answer: Answer = { body: EXCHANGE_INFO };
    const { impl, calls } = fakeFetch(() => answer);
    const catalog = newCatalog(impl, { refreshMs: 30 });
    await catalog.start();
    expect(catalog.lookup('BTCUSDT')).toBe('known');

    for (const [failure, code] of [
      [{ status: 500, body: 'oops' }, 'SYMBOL_LIST_HTTP_STATUS'],
      [{ body: '{"symbols":' }, 'BINANCE_MALFORMED_REST_BODY'],
      [{ body: '{"symbols":[]}' }, 'SYMBOL_LIST_EMPTY'],
      ['hang', 'SYMBOL_LIST_TIMEOUT'],
    ] as const) {
      answer = failure;
      const before = calls.length;
      await waitFor(
        () => catalog.state().exchanges['binance']?.error?.code === code && calls.length > before,
        {
          timeoutMs: 5_000,
          what: code,
        },
      );
      expect(catalog.lookup('BTCUSDT')).toBe('known');
      expect(catalog.lookup('NOPEUSDT')).toBe('unknown');
      expect(catalog.state().available).toBe(true);
    }

    answer = { body: EXCHANGE_INFO.replace('ETHUSDT', 'XRPUSDT') };
    await waitFor(() => catalog.lookup('XRPUSDT') === 'known', { timeoutMs: 5_000, what: 'the new list' });
    expect(catalog.lookup('ETHUSDT')).toBe('unknown');
  });

  it('waits as long as a 429 Retry-After says before asking again', async () => {
    let refused = 0;
    const { impl } = fakeFetch(() =>
      refused++ === 0
        ? {
            status: 429,
            body: '{"code":-1003,"msg":"Too much request weight used"}',
            headers: { 'retry-after': '7' },
          }
        : { body: EXCHANGE_INFO },
    );
    const catalog = newCatalog(impl, { startTimeoutMs: 200 });
    const startedAt = Date.now();
    await catalog.start();
    const state = catalog.state().exchanges['binance'];
    expect(state).toMatchObject({
      available: false,
      failures: 1,
      error: { code: 'SYMBOL_LIST_RATE_LIMITED' },
    });
    expect(state?.error?.message).toMatch(/HTTP 429.*-1003/);
    // Backoff alone would retry within 50 ms; the exchange asked for 7 s.
    expect(state?.nextAttemptAt).toBeGreaterThanOrEqual(startedAt + 7_000);
    expect(refused).toBe(1);
  });

  it('refuses a body over the size limit', async () => {
    const catalog = newCatalog(fakeFetch(healthy).impl, { maxBodyBytes: 100, startAttempts: 1 });
    await catalog.start();
    expect(catalog.state().exchanges['binance']?.error?.code).toBe('SYMBOL_LIST_BODY_TOO_LARGE');
  });

  it('needs every request of a list: one failed market keeps the exchange unavailable', async () => {
    const { impl } = fakeFetch((url, headers) =>
      url.includes('/crypto/') ? { status: 401 } : healthy(url, headers),
    );
    const catalog = newCatalog(impl, { startAttempts: 1 }, [createFinnhubAdapter({ token: TOKEN })]);
    await catalog.start();
    expect(catalog.lookup('FINNHUB:AAPL')).toBe('unavailable');
    expect(catalog.state().exchanges['finnhub']?.error).toMatchObject({ code: 'SYMBOL_LIST_HTTP_STATUS' });
    expect(catalog.state().exchanges['finnhub']?.error?.message).not.toContain(TOKEN);
  });

  it('tells onChange of every load and every new error, and survives a listener that throws', async () => {
    let up = true;
    const states: SymbolCatalogState[] = [];
    const catalog = newCatalog(fakeFetch(() => (up ? { body: EXCHANGE_INFO } : 'refuse')).impl, {
      refreshMs: 30,
      onChange: (state) => {
        states.push(state);
        throw new Error('listener bug');
      },
    });
    await catalog.start();
    expect(states[0]).toMatchObject({ available: true, size: 3 });
    up = false;
    await waitFor(() => states.some((state) => state.exchanges['binance']?.error !== undefined), {
      timeoutMs: 5_000,
      what: 'the error',
    });
    const errors = states.filter((state) => state.exchanges['binance']?.error !== undefined).length;
    up = true;
    await waitFor(() => states.at(-1)?.exchanges['binance']?.error === undefined, {
      timeoutMs: 5_000,
      what: 'recovery',
    });
    // The same error again and again is reported once.
    expect(errors).toBe(1);
  });

  it('stops every timer and request, idempotently, and never fetches again', async () => {
    const { impl, calls } = fakeFetch(() => 'hang');
    const catalog = newCatalog(impl, { timeoutMs: 10_000, startTimeoutMs: 50 });
    await catalog.start();
    expect(calls).toHaveLength(1);
    await catalog.stop();
    await catalog.stop();
    expect(catalog.state().exchanges['binance']?.nextAttemptAt).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(calls).toHaveLength(1);
    await catalog.start();
    expect(calls).toHaveLength(1);
  });

  it('refuses bad options, naming every problem at once', () => {
    const noList: ExchangeAdapter = { ...createBinanceAdapter(), symbolList: undefined };
    let thrown: unknown;
    try {
      new SymbolCatalog({
        adapters: [
          { adapter: noList, restBaseUrl: BINANCE_URL },
          { adapter: createCoinbaseAdapter(), restBaseUrl: 'ws://coinbase.test' },
          { adapter: createFinnhubAdapter({ token: TOKEN }), restBaseUrl: FINNHUB_URL },
          { adapter: createFinnhubAdapter({ token: TOKEN }), restBaseUrl: FINNHUB_URL },
        ],
        alwaysKnown: [],
        rest: testRestClient([]),
        logger,
        refreshMs: 0,
        retryBaseMs: 100,
        retryMaxMs: 10,
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SymbolCatalogError);
    expect(thrown).toMatchObject({ code: 'SYMBOL_CATALOG_INVALID_OPTION' });
    const message = (thrown as Error).message;
    expect(message).toMatch(/refreshMs must be an integer of at least 1, got 0/);
    expect(message).toMatch(/retryMaxMs \(10\) must not be below retryBaseMs \(100\)/);
    expect(message).toMatch(/binance adapter cannot list its symbols/);
    expect(message).toMatch(/coinbase: Coinbase REST base URL "ws:\/\/coinbase.test"/);
    expect(message).toMatch(/finnhub is listed twice/);
  });
});
