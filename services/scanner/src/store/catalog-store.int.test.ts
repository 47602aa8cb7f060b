import { closeRedisClients, connectRedis, createRedisClient, type RedisClient } from '@tickwire/cluster';
import { startTestRedis, type TestRedis } from '@tickwire/testkit';
import { parseStrategyDocument, type StrategyDocument } from '../strategy';
import { deliveryKeys } from '../delivery/delivery-keys';
import { freshNamespace } from '../testing/scanner-harness';
import { CatalogStore } from './catalog-store';
import { scannerKeys } from './keys';
import { MAX_WATCHLISTS_PER_OWNER } from './records';
import { ScannerScripts } from './scanner-scripts';

const document = (interval: '1m' | '1h'): StrategyDocument => {
  const parsed = parseStrategyDocument({
    name: 'x',
    interval,
    when: { type: 'price', op: 'above', value: '1' },
  });
  if (!parsed.ok) throw new Error('bad test document');
  return parsed.value;
};

describe('the catalog store', () => {
  let redis: TestRedis;
  let client: RedisClient;

  beforeAll(async () => {
    redis = await startTestRedis();
    client = createRedisClient(
      { mode: 'standalone', url: redis.url },
      { instanceId: 'test', purpose: 'commands', commandTimeoutMs: 2_000 },
    );
    await connectRedis(client);
  });
  afterAll(async () => {
    await closeRedisClients([client]);
    await redis.stop();
  });

  const store = (namespace = freshNamespace()) => {
    const keys = scannerKeys(namespace);
    return new CatalogStore({
      client,
      keys,
      scripts: new ScannerScripts(client, keys),
      delivery: deliveryKeys(namespace),
      webhookHosts: [],
    });
  };

  it('keeps the watch index equal to the records through concurrent writes of two replicas', async () => {
    const namespace = freshNamespace();
    const catalog = store(namespace);
    const replica = store(namespace);
    const owner = await catalog.createOwner('alice');
    const watchlist = await catalog.createWatchlist(owner.id, { name: 'w', symbols: ['BTCUSDT', 'ETHUSDT'] });
    const versionBefore = await catalog.version();
    const created = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        (i < 4 ? catalog : replica).createStrategy(owner.id, {
          watchlistId: watchlist.id,
          document: document(i % 2 ? '1m' : '1h'),
          enabled: true,
          destinationIds: [],
        }),
      ),
    );
    // Symbols change while strategies are toggled: each write sees the others' results or retries.
    await Promise.all([
      catalog.updateWatchlist(owner.id, watchlist.id, { symbols: ['ETHUSDT', 'SOLUSDT'] }),
      ...created.slice(0, 2).map((s) => replica.updateStrategy(owner.id, s.id, { enabled: false })),
    ]);
    expect(await catalog.version()).toBeGreaterThanOrEqual(versionBefore + 11);

    const enabled = created.slice(2);
    const ids = (list: { id: string }[]) => list.map((s) => s.id).sort();
    for (const interval of ['1m', '1h'] as const) {
      const expected = ids(enabled.filter((s) => s.document.interval === interval));
      expect(ids(await catalog.strategiesFor('SOLUSDT', interval))).toEqual(expected);
      expect(ids(await catalog.strategiesFor('ETHUSDT', interval))).toEqual(expected);
      expect(await catalog.strategiesFor('BTCUSDT', interval)).toEqual([]);
    }
    expect(await catalog.watched()).toEqual([
      { interval: '1h', symbol: 'ETHUSDT', strategies: 3 },
      { interval: '1m', symbol: 'ETHUSDT', strategies: 3 },
      { interval: '1h', symbol: 'SOLUSDT', strategies: 3 },
      { interval: '1m', symbol: 'SOLUSDT', strategies: 3 },
    ]);
  });

  it('holds an owner to the limits', async () => {
    const catalog = store();
    const owner = await catalog.createOwner('bob');
    for (let i = 0; i < MAX_WATCHLISTS_PER_OWNER; i++)
      await catalog.createWatchlist(owner.id, { name: `w${i}`, symbols: ['BTCUSDT'] });
    await expect(
      catalog.createWatchlist(owner.id, { name: 'one more', symbols: ['BTCUSDT'] }),
    ).rejects.toMatchObject({
      code: 'LIMIT_REACHED',
    });
    const page = await catalog.listWatchlists(owner.id, { offset: 15, limit: 10 });
    expect([page.items.length, page.total]).toEqual([5, MAX_WATCHLISTS_PER_OWNER]);
  });
});
