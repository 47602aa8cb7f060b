/**
 * A client that ioredis ended by itself (as it does when Sentinel's +switch-master cuts a
 * reconnect short) is connected again; one this process closed stays closed.
 */
import { startTestRedis, waitFor, type TestRedis } from '@tickwire/testkit';
import { closeRedisClients, connectRedis, createRedisClient, disconnectRedis } from './redis-client';

const REVIVE_TIMEOUT_MS = 5_000;
/** Longer than the revival delay (1 s): a client left closed is still closed after it. */
const STAYS_CLOSED_MS = 1_500;

describe('a Redis client that ended without being closed', () => {
  let redis: TestRedis | undefined;

  beforeAll(async () => {
    redis = await startTestRedis();
  });

  afterAll(async () => {
    await redis?.stop();
  });

  const newClient = () =>
    createRedisClient(
      { mode: 'standalone', url: redis!.url },
      { instanceId: 'test', purpose: 'commands', commandTimeoutMs: 2_000 },
    );

  it('is connected again and answers commands', async () => {
    const client = newClient();
    try {
      await connectRedis(client);
      // ioredis's own end, as its connector produces it: not through disconnectRedis.
      client.disconnect();
      await waitFor(() => client.status === 'end', {
        timeoutMs: REVIVE_TIMEOUT_MS,
        what: 'the client to end',
      });
      await waitFor(() => client.status === 'ready', {
        timeoutMs: REVIVE_TIMEOUT_MS,
        what: 'the client to be connected again',
      });
      await expect(client.ping()).resolves.toBe('PONG');
    } finally {
      await closeRedisClients([client]);
    }
  });

  it('stays closed when this process closed it', async () => {
    const client = newClient();
    await connectRedis(client);
    disconnectRedis(client);
    await waitFor(() => client.status === 'end', { timeoutMs: REVIVE_TIMEOUT_MS, what: 'the client to end' });
    await new Promise((resolve) => setTimeout(resolve, STAYS_CLOSED_MS));
    expect(client.status).toBe('end');
  });
});
