import { closeRedisClients, createRedisClient, connectRedis, type RedisClient } from '@tickwire/cluster';
import { startTestRedis, type TestRedis } from '@tickwire/testkit';
import { gatewayKeys } from '../gateway-keys';
import { freshGatewayNamespace } from '../testing/gateway-harness';
import { ApiKeyStore } from './api-key-store';
import { hashApiKey } from './api-key-secret';

let redis: TestRedis;
let client: RedisClient;

beforeAll(async () => {
  redis = await startTestRedis();
  client = createRedisClient(
    { mode: 'standalone', url: redis.url },
    { instanceId: 'key-store-test', purpose: 'commands', commandTimeoutMs: 2_000 },
  );
  await connectRedis(client);
});

afterAll(async () => {
  await closeRedisClients([client]);
  await redis?.stop();
});

describe('ApiKeyStore', () => {
  it('stores only the hash of a key, finds the key by it, and answers the key once', async () => {
    const keys = gatewayKeys(freshGatewayNamespace());
    const store = new ApiKeyStore(client, keys);
    const { key, view } = await store.create({ name: 'bot', scope: 'bot', ownerId: 'owner-1' });
    expect(key.startsWith(`${view.prefix}_`)).toBe(true);
    const held = JSON.stringify([
      await client.hgetall(keys.apiKeys),
      await client.hgetall(keys.apiKeyHashes),
    ]);
    expect(held).not.toContain(key.slice(view.prefix.length + 1));
    expect(held).toContain(hashApiKey(key));
    expect(await store.find(key)).toMatchObject({ id: view.id, scope: 'bot', ownerId: 'owner-1' });
    expect(await store.find(`${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`)).toBeUndefined();
  });

  it('lists every key oldest first without hashes, and revokes one once, keeping it listed', async () => {
    const store = new ApiKeyStore(client, gatewayKeys(freshGatewayNamespace()));
    const now = Date.now();
    const first = await store.create({ name: 'one', scope: 'read' }, now - 2_000);
    const second = await store.create({ name: 'two', scope: 'admin', expiresAt: now - 500 }, now - 1_000);
    const listed = await store.list(now);
    expect(listed.map((key) => [key.name, key.status])).toEqual([
      ['one', 'active'],
      ['two', 'expired'],
    ]);
    for (const key of listed) expect(key).not.toHaveProperty('hash');
    const revoked = await store.revoke(first.view.id, now);
    expect(revoked).toMatchObject({
      id: first.view.id,
      status: 'revoked',
      revokedAt: new Date(now).toISOString(),
    });
    const again = await store.revoke(first.view.id, now + 5_000);
    expect(again?.revokedAt).toBe(new Date(now).toISOString());
    expect(await store.revoke('000000000000')).toBeUndefined();
    expect((await store.find(first.key))?.revokedAt).toBe(new Date(now).toISOString());
    expect((await store.list(now)).map((key) => key.status)).toEqual(['revoked', 'expired']);
    expect(second.view.status).toBe('active');
  });
});
