import { closeRedisClients, createRedisClient, connectRedis, type RedisClient } from '@tickwire/cluster';
import { createLogger } from '@tickwire/observability';
import { startTestRedis, waitFor, type TestRedis } from '@tickwire/testkit';
import { gatewayKeys } from '../gateway-keys';
import { freshGatewayNamespace } from '../testing/gateway-harness';
import { LimitScripts } from './limit-scripts';
import { RateLimiter } from './rate-limiter';
import { StreamQuota } from './stream-quota';

let redis: TestRedis;
const clients: RedisClient[] = [];
const logger = createLogger({ level: 'silent', service: 'gateway' });

/** A connection of its own, as each replica has. */
async function connection(): Promise<RedisClient> {
  const client = createRedisClient(
    { mode: 'standalone', url: redis.url },
    { instanceId: `limits-test-${clients.length}`, purpose: 'commands', commandTimeoutMs: 2_000 },
  );
  clients.push(client);
  await connectRedis(client);
  return client;
}

beforeAll(async () => {
  redis = await startTestRedis();
});

afterAll(async () => {
  await closeRedisClients(clients);
  await redis?.stop();
});

describe('RateLimiter', () => {
  it('lets exactly the limit through one window from several connections, and opens a new window after it', async () => {
    const keys = gatewayKeys(freshGatewayNamespace());
    const limiters = await Promise.all(
      [0, 1, 2].map(async () => new RateLimiter(new LimitScripts(await connection(), keys))),
    );
    const policy = { name: 'key', limit: 50, windowMs: 1_000 };
    const states = await Promise.all(
      Array.from({ length: 90 }, (_, i) => limiters[i % 3]!.consume('key:k1', policy)),
    );
    expect(states.filter((state) => !state.limited)).toHaveLength(50);
    expect(Math.min(...states.map((state) => state.remaining))).toBe(0);
    for (const state of states) expect(state.resetMs).toBeLessThanOrEqual(1_000);
    // Another subject has its own window.
    expect((await limiters[0]!.consume('key:k2', policy)).remaining).toBe(49);
    await waitFor(async () => !(await limiters[1]!.check('key:k1', policy)).limited, {
      timeoutMs: 3_000,
      what: 'the next window',
    });
    expect(await limiters[2]!.consume('key:k1', policy)).toMatchObject({ limited: false, remaining: 49 });
  });

  it('reads a window without counting', async () => {
    const limiter = new RateLimiter(
      new LimitScripts(await connection(), gatewayKeys(freshGatewayNamespace())),
    );
    const policy = { name: 'auth', limit: 2, windowMs: 60_000 };
    expect(await limiter.check('a', policy)).toMatchObject({ limited: false, remaining: 2, resetMs: 0 });
    await limiter.consume('a', policy);
    await limiter.consume('a', policy);
    expect(await limiter.check('a', policy)).toMatchObject({ limited: true, remaining: 0 });
    expect((await limiter.check('a', policy)).resetMs).toBeGreaterThan(59_000);
  });
});

describe('StreamQuota', () => {
  it('holds at most max slots across replicas; a released slot is free again', async () => {
    const keys = gatewayKeys(freshGatewayNamespace());
    const [a, b] = await Promise.all(
      [0, 1].map(
        async () => new StreamQuota({ scripts: new LimitScripts(await connection(), keys), logger }),
      ),
    );
    const held = [await a!.acquire('key:k', 2), await b!.acquire('key:k', 2)];
    expect(held.every((lease) => lease !== undefined)).toBe(true);
    expect(await a!.acquire('key:k', 2)).toBeUndefined();
    expect(await b!.held('key:k')).toBe(2);
    await held[0]!.release();
    await held[0]!.release();
    expect(await a!.held('key:k')).toBe(1);
    const third = await b!.acquire('key:k', 2);
    expect(third).toBeDefined();
    await Promise.all([held[1]!.release(), third!.release()]);
    expect(await a!.held('key:k')).toBe(0);
  });

  it("frees a dead replica's slots when their leases expire, and keeps renewed ones", async () => {
    const keys = gatewayKeys(freshGatewayNamespace());
    const leaseMs = 600;
    const deadConnection = await connection();
    const dead = new StreamQuota({ scripts: new LimitScripts(deadConnection, keys), leaseMs, logger });
    const alive = new StreamQuota({ scripts: new LimitScripts(await connection(), keys), leaseMs, logger });
    const kept = await alive.acquire('key:k', 2);
    const deadLease = await dead.acquire('key:k', 2);
    expect(deadLease).toBeDefined();
    // The replica dies: its connection goes, its renewals stop reaching Redis.
    await closeRedisClients([deadConnection]);
    expect(await alive.acquire('key:k', 2)).toBeUndefined();
    const freed = await waitFor(() => alive.acquire('key:k', 2), {
      timeoutMs: 5_000,
      intervalMs: 50,
      what: 'a freed slot',
    });
    // The lease renewed all along is still held: the subject is full again.
    expect(await alive.held('key:k')).toBe(2);
    await Promise.all([kept!.release(), freed.release()]);
    // Stops the dead one's renewal timer; its release cannot reach Redis any more.
    await expect(deadLease!.release()).rejects.toThrow();
  });

  it('tells the holder when its lease expired before a renewal', async () => {
    const client = await connection();
    const keys = gatewayKeys(freshGatewayNamespace());
    const quota = new StreamQuota({ scripts: new LimitScripts(client, keys), leaseMs: 600, logger });
    let lost = false;
    const lease = await quota.acquire('key:k', 1, () => (lost = true));
    // Another party removes it (as an expiry during a long pause would).
    await client.zrem(keys.streamLeases('key:k'), lease!.id);
    await waitFor(() => lost, { timeoutMs: 3_000, what: 'the lost-lease callback' });
    await lease!.release();
  });
});
