import { startTestRedis, type TestRedis } from '@tickwire/testkit';
import { startScannerHarness, type ScannerHarness } from '../testing/scanner-harness';

const WEBHOOK = 'https://discord.com/api/webhooks/123456789012345678/SeCrEt-ToKeN_abc';
const DOCUMENT = {
  name: 'BTC dip',
  interval: '1h',
  when: { type: 'rsi', period: 14, op: 'below', value: 30 },
};

interface ErrorBody {
  error: { code: string; message: string; fields?: { field: string; message: string }[] };
}

describe('the scanner API', () => {
  let redis: TestRedis;
  let api: ScannerHarness;

  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });
  beforeEach(async () => {
    api = await startScannerHarness(redis.url, { WEBHOOK_HOST_ALLOWLIST: 'hooks.example.com' });
  });
  afterEach(async () => {
    await api.stop();
  });

  const json = async <T>(res: Response) => (await res.json()) as T;
  const createOwner = async (name: string) =>
    (await json<{ id: string }>(await api.request('POST', '/v1/owners', { body: { name } }))).id;

  async function ownerWithStrategy(owner: string) {
    const watchlist = await json<{ id: string; symbols: string[] }>(
      await api.request('POST', '/v1/watchlists', {
        owner,
        body: { name: 'majors', symbols: ['btcusdt', 'coinbase:eth-usd', 'BTCUSDT'] },
      }),
    );
    const destination = await json<{ id: string; url: string }>(
      await api.request('POST', '/v1/destinations', { owner, body: { name: 'alerts', url: WEBHOOK } }),
    );
    const res = await api.request('POST', '/v1/strategies', {
      owner,
      body: { watchlistId: watchlist.id, document: DOCUMENT, destinationIds: [destination.id] },
    });
    expect(res.status).toBe(201);
    const strategy = await json<{ id: string }>(res);
    return { watchlist, destination, strategy };
  }

  it('creates records for an owner, canonical symbols, and lists them', async () => {
    const owner = await createOwner('alice');
    const { watchlist, strategy } = await ownerWithStrategy(owner);
    expect(watchlist.symbols).toEqual(['BTCUSDT', 'COINBASE:ETH-USD']);
    const list = await json<{
      strategies: { id: string; enabled: boolean; document: { cooldownMs: number } }[];
      total: number;
    }>(await api.request('GET', '/v1/strategies?limit=10', { owner }));
    expect(list.total).toBe(1);
    expect(list.strategies[0]).toMatchObject({
      id: strategy.id,
      enabled: true,
      document: { cooldownMs: 3_600_000 },
    });
    const watching = await api.scanner.catalog.strategiesFor('COINBASE:ETH-USD', '1h');
    expect(watching.map((s) => s.id)).toEqual([strategy.id]);
  });

  it('refuses bad input with a 4xx naming every field at fault', async () => {
    const owner = await createOwner('bob');
    const bad = await api.request('POST', '/v1/watchlists', {
      owner,
      body: { name: '', symbols: ['BTCUSDT', 'not a symbol!'], colour: 'red' },
    });
    expect(bad.status).toBe(400);
    const body = await json<ErrorBody>(bad);
    expect(body.error.code).toBe('INVALID_FIELD');
    const fields = body.error.fields!.map((p) => p.field);
    expect(fields).toEqual(['name', 'colour']);

    const symbol = await json<ErrorBody>(
      await api.request('POST', '/v1/watchlists', {
        owner,
        body: { name: 'x', symbols: ['BTCUSDT', 'coinbase:nope'] },
      }),
    );
    expect(symbol.error.fields).toEqual([
      { field: 'symbols.1', message: expect.stringContaining('coinbase:nope') },
    ]);

    const { watchlist } = await ownerWithStrategy(owner);
    const badDocument = await json<ErrorBody>(
      await api.request('POST', '/v1/strategies', {
        owner,
        body: {
          watchlistId: watchlist.id,
          document: { ...DOCUMENT, when: { type: 'rsi', period: 1, op: 'below', value: 30 } },
        },
      }),
    );
    expect(badDocument.error.fields?.[0]?.field).toBe('document.when.period');

    const badUrl = await json<ErrorBody>(
      await api.request('POST', '/v1/destinations', {
        owner,
        body: { name: 'x', url: 'http://discord.com/api/webhooks/1/a' },
      }),
    );
    expect(badUrl.error.fields).toEqual([
      { field: 'url', message: expect.stringMatching(/must be https on an allowed host/) },
    ]);
    const elsewhere = await api.request('POST', '/v1/destinations', {
      owner,
      body: { name: 'x', url: 'https://evil.example/hook' },
    });
    expect((await json<ErrorBody>(elsewhere)).error.fields?.[0]?.field).toBe('url');
    const allowed = await api.request('POST', '/v1/destinations', {
      owner,
      body: { name: 'relay', url: 'https://hooks.example.com/api/webhooks/42/relay-token' },
    });
    expect(allowed.status).toBe(201);

    const unknownParam = await api.request('GET', '/v1/watchlists?limt=5', { owner });
    expect([unknownParam.status, (await json<ErrorBody>(unknownParam)).error.code]).toEqual([
      400,
      'UNKNOWN_PARAMETER',
    ]);
    const limit = await api.request('GET', '/v1/watchlists?limit=1000', { owner });
    expect((await json<ErrorBody>(limit)).error.message).toContain('limit');
    const notJson = await api.request('POST', '/v1/watchlists', { owner, body: '{"name":' });
    expect((await json<ErrorBody>(notJson)).error.code).toBe('INVALID_JSON');
    const untyped = await api.request('POST', '/v1/watchlists', {
      owner,
      headers: { 'Content-Type': 'text/plain' },
      body: '{}',
    });
    expect(untyped.status).toBe(415);
    const huge = await api.request('POST', '/v1/watchlists', {
      owner,
      body: { name: 'x'.repeat(70_000), symbols: [] },
    });
    expect([huge.status, (await json<ErrorBody>(huge)).error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    const put = await api.request('PUT', '/v1/watchlists', { owner });
    expect([put.status, put.headers.get('allow')]).toEqual([405, 'GET, HEAD, POST, OPTIONS']);
  });

  it("acts for the owner X-Owner-Id names, and only on that owner's records", async () => {
    const alice = await createOwner('alice');
    const mallory = await createOwner('mallory');
    const { watchlist, destination, strategy } = await ownerWithStrategy(alice);

    expect((await api.request('GET', '/v1/watchlists')).status).toBe(401);
    expect((await api.request('GET', '/v1/watchlists', { owner: 'not-an-id' })).status).toBe(401);
    expect(
      (await api.request('GET', '/v1/watchlists', { owner: '00000000-0000-4000-8000-000000000000' })).status,
    ).toBe(403);

    for (const path of [
      `/v1/watchlists/${watchlist.id}`,
      `/v1/strategies/${strategy.id}`,
      `/v1/destinations/${destination.id}`,
    ]) {
      expect((await api.request('GET', path, { owner: mallory })).status).toBe(404);
      expect(
        (await api.request('PATCH', path, { owner: mallory, body: { enabled: false } })).status,
      ).toBeGreaterThanOrEqual(400);
      expect((await api.request('DELETE', path, { owner: mallory })).status).toBe(404);
      expect((await api.request('GET', path, { owner: alice })).status).toBe(200);
    }
    // Mallory cannot point her strategy at Alice's watchlist or destination.
    const own = await json<{ id: string }>(
      await api.request('POST', '/v1/watchlists', {
        owner: mallory,
        body: { name: 'm', symbols: ['ETHUSDT'] },
      }),
    );
    const stolen = await api.request('POST', '/v1/strategies', {
      owner: mallory,
      body: { watchlistId: own.id, document: DOCUMENT, destinationIds: [destination.id] },
    });
    expect((await json<ErrorBody>(stolen)).error.fields).toEqual([
      { field: 'destinationIds.0', message: expect.stringContaining('no destination') },
    ]);
    const lists = await json<{ watchlists: { id: string }[] }>(
      await api.request('GET', '/v1/watchlists', { owner: mallory }),
    );
    expect(lists.watchlists.map((w) => w.id)).toEqual([own.id]);
  });

  it('never returns a webhook URL whole', async () => {
    const owner = await createOwner('carol');
    const { destination } = await ownerWithStrategy(owner);
    expect(destination.url).toBe('https://discord.com/api/webhooks/123456789012345678/SeCr…');
    const answers = [
      await api.request('GET', '/v1/destinations', { owner }),
      await api.request('GET', `/v1/destinations/${destination.id}`, { owner }),
      await api.request('PATCH', `/v1/destinations/${destination.id}`, { owner, body: { name: 'renamed' } }),
    ];
    for (const answer of answers) expect(await answer.text()).not.toContain('SeCrEt');
  });

  it('refuses to delete what a strategy uses, and keeps the watch index with the watchlist', async () => {
    const owner = await createOwner('dave');
    const { watchlist, destination, strategy } = await ownerWithStrategy(owner);
    const inUse = await api.request('DELETE', `/v1/watchlists/${watchlist.id}`, { owner });
    expect([inUse.status, (await json<ErrorBody>(inUse)).error.code]).toEqual([409, 'IN_USE']);
    expect((await api.request('DELETE', `/v1/destinations/${destination.id}`, { owner })).status).toBe(409);

    await api.request('PATCH', `/v1/watchlists/${watchlist.id}`, { owner, body: { symbols: ['SOLUSDT'] } });
    const { catalog } = api.scanner;
    expect(await catalog.strategiesFor('BTCUSDT', '1h')).toEqual([]);
    expect((await catalog.strategiesFor('SOLUSDT', '1h')).map((s) => s.id)).toEqual([strategy.id]);
    expect(await catalog.watched()).toEqual([{ interval: '1h', symbol: 'SOLUSDT', strategies: 1 }]);

    await api.request('PATCH', `/v1/strategies/${strategy.id}`, { owner, body: { enabled: false } });
    expect(await catalog.watched()).toEqual([]);
    expect((await api.request('DELETE', `/v1/strategies/${strategy.id}`, { owner })).status).toBe(204);
    expect((await api.request('DELETE', `/v1/watchlists/${watchlist.id}`, { owner })).status).toBe(204);
    expect((await api.request('DELETE', `/v1/destinations/${destination.id}`, { owner })).status).toBe(204);
  });

  /** An hourly signal of one owner's strategy, as the active scanner stores it. */
  const hourlySignal = (ownerId: string, strategyId: string, symbol: string, candleOpenTime: number) => ({
    id: `${strategyId}:${symbol}:1h:${candleOpenTime}`,
    ownerId,
    strategyId,
    strategyName: 'dip',
    symbol,
    interval: '1h' as const,
    candleOpenTime,
    candleClosed: true,
    close: '97000.5',
    facts: [],
    detectedAt: candleOpenTime + 3_600_000,
  });

  it("serves an owner's signals, newest first, filtered and paged", async () => {
    const alice = await createOwner('alice');
    const bob = await createOwner('bob');
    const signal = (ownerId: string, symbol: string, candleOpenTime: number) =>
      hourlySignal(
        ownerId,
        ownerId === alice ? '11111111-1111-4111-8111-111111111111' : '22222222-2222-4222-8222-222222222222',
        symbol,
        candleOpenTime,
      );
    for (let i = 0; i < 5; i++)
      await api.scanner.signals.append(signal(alice, i % 2 ? 'ETHUSDT' : 'BTCUSDT', i * 3_600_000));
    await api.scanner.signals.append(signal(bob, 'BTCUSDT', 0));

    const first = await json<{ signals: { candleOpenTime: number; ownerId: string }[]; nextCursor: string }>(
      await api.request('GET', '/v1/signals?limit=2', { owner: alice }),
    );
    expect(first.signals.map((s) => s.candleOpenTime)).toEqual([4 * 3_600_000, 3 * 3_600_000]);
    const rest = await json<{ signals: { candleOpenTime: number }[]; nextCursor: string | null }>(
      await api.request('GET', `/v1/signals?cursor=${first.nextCursor}`, { owner: alice }),
    );
    expect(rest.signals.map((s) => s.candleOpenTime)).toEqual([2, 1, 0].map((i) => i * 3_600_000));
    expect(rest.nextCursor).toBeNull();
    const eth = await json<{ signals: { symbol: string }[] }>(
      await api.request('GET', '/v1/signals?symbol=ethusdt', { owner: alice }),
    );
    expect(eth.signals.map((s) => s.symbol)).toEqual(['ETHUSDT', 'ETHUSDT']);
    const bobs = await json<{ signals: { ownerId: string }[] }>(
      await api.request('GET', '/v1/signals', { owner: bob }),
    );
    expect(bobs.signals.map((s) => s.ownerId)).toEqual([bob]);
    const badSince = await api.request('GET', '/v1/signals?since=yesterday', { owner: alice });
    expect((await json<ErrorBody>(badSince)).error.message).toContain('since');
  });

  it('filters signals by strategy and by the time they were stored (since=, ms or ISO 8601)', async () => {
    const alice = await createOwner('alice');
    const dip = '11111111-1111-4111-8111-111111111111';
    const breakout = '33333333-3333-4333-8333-333333333333';
    const signal = (strategyId: string, candleOpenTime: number) =>
      hourlySignal(alice, strategyId, 'BTCUSDT', candleOpenTime);
    await api.scanner.signals.append(signal(dip, 0));
    await api.scanner.signals.append(signal(breakout, 0));
    // Stored times are the stream ids' (Redis's clock, this machine's): leave a margin on each side.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const mark = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await api.scanner.signals.append(signal(dip, 3_600_000));
    await api.scanner.signals.append(signal(breakout, 3_600_000));

    type Page = { signals: { strategyId: string; candleOpenTime: number }[] };
    const get = async (query: string) =>
      (await json<Page>(await api.request('GET', `/v1/signals?${query}`, { owner: alice }))).signals.map(
        (s) => `${s.strategyId === dip ? 'dip' : 'breakout'}@${s.candleOpenTime}`,
      );
    expect(await get(`strategy=${breakout}`)).toEqual(['breakout@3600000', 'breakout@0']);
    expect(await get(`since=${mark}`)).toEqual(['breakout@3600000', 'dip@3600000']);
    expect(await get(`since=${new Date(mark).toISOString()}&strategy=${dip}`)).toEqual(['dip@3600000']);
    expect(await get(`since=${mark + 60_000}`)).toEqual([]);
  });
});
