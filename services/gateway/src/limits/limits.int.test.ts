import { closeRedisClients, createRedisClient, connectRedis, type RedisClient } from '@tickwire/cluster';
import { startTestRedis, waitFor, type TestRedis } from '@tickwire/testkit';
import { gatewayKeys } from '../gateway-keys';
import { freshGatewayNamespace } from '../testing/gateway-harness';
import { LimitScripts } from './limit-scripts';
import { RateLimiter } from './rate-limiter';

let redis: TestRedis;
const clients: RedisClient[] = [];

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
    // A window that outlasts a stalled process: all 90 requests must land in the first one.
    const policy = { name: 'key', limit: 50, windowMs: 3_000 };
    const states = await Promise.all(
      Array.from({ length: 90 }, (_, i) => limiters[i % 3]!.consume('key:k1', policy)),
    );
    expect(states.filter((state) => !state.limited)).toHaveLength(50);
    expect(Math.min(...states.map((state) => state.remaining))).toBe(0);
    for (const state of states) expect(state.resetMs).toBeLessThanOrEqual(policy.windowMs);
    // Another subject has its own window.
    expect((await limiters[0]!.consume('key:k2', policy)).remaining).toBe(49);
    await waitFor(async () => !(await limiters[1]!.check('key:k1', policy)).limited, {
      timeoutMs: 10_000,
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
    // The 60 s window less the time since the first consume, which a stalled process stretches.
    expect((await limiter.check('a', policy)).resetMs).toBeGreaterThan(50_000);
  });
});
