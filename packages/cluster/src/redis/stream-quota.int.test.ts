import { randomUUID } from 'node:crypto';
import { startTestRedis, waitFor, type TestRedis } from '@tickwire/testkit';
import { silentLogger } from '../logger';
import { streamAccessKeys, type StreamAccessKeys } from './keys';
import { closeRedisClients, connectRedis, createRedisClient, type RedisClient } from './redis-client';
import { RevocationWatch } from './revocation-watch';
import { StreamLeaseScripts } from './stream-lease-scripts';
import { StreamQuota, type StreamAdmission, type StreamLease } from './stream-quota';

let redis: TestRedis;
const clients: RedisClient[] = [];
const logger = silentLogger;

/** A connection of its own, as each pod has. */
async function connection(purpose: 'commands' | 'subscriber' = 'commands'): Promise<RedisClient> {
  const client = createRedisClient(
    { mode: 'standalone', url: redis.url },
    { instanceId: `quota-test-${clients.length}`, purpose, commandTimeoutMs: 5_000 },
  );
  clients.push(client);
  await connectRedis(client);
  return client;
}

const freshKeys = () => streamAccessKeys(`sq${randomUUID().slice(0, 8)}`);

async function quotaOn(keys: StreamAccessKeys, leaseMs?: number, client?: RedisClient): Promise<StreamQuota> {
  const scripts = new StreamLeaseScripts(client ?? (await connection()), keys);
  return new StreamQuota({ scripts, logger, ...(leaseMs !== undefined && { leaseMs }) });
}

function leaseOf(admission: StreamAdmission): StreamLease {
  if (!('lease' in admission)) throw new Error(`refused: ${admission.refused}`);
  return admission.lease;
}

beforeAll(async () => {
  redis = await startTestRedis();
});

afterAll(async () => {
  await closeRedisClients(clients);
  await redis?.stop();
});

describe('StreamQuota', () => {
  it('holds at most max slots across processes; a released slot is free again', async () => {
    const keys = freshKeys();
    const [a, b] = await Promise.all([quotaOn(keys), quotaOn(keys)]);
    const held = [leaseOf(await a.acquire('key:k', 2)), leaseOf(await b.acquire('key:k', 2))];
    expect(await a.acquire('key:k', 2)).toEqual({ refused: 'full' });
    expect(await b.held('key:k')).toBe(2);
    await held[0]!.release();
    await held[0]!.release();
    expect(await a.held('key:k')).toBe(1);
    const third = leaseOf(await b.acquire('key:k', 2));
    await Promise.all([held[1]!.release(), third.release()]);
    expect(await a.held('key:k')).toBe(0);
  });

  it('refuses a slot to a revoked key, and only to it', async () => {
    const keys = freshKeys();
    const client = await connection();
    const quota = await quotaOn(keys, undefined, client);
    await client.zadd(keys.revokedKeys, Date.now(), 'aaaaaaaaaaaa');
    expect(await quota.acquire('aaaaaaaaaaaa', 5, { unlessRevoked: 'aaaaaaaaaaaa' })).toEqual({
      refused: 'revoked',
    });
    expect(await quota.held('aaaaaaaaaaaa')).toBe(0);
    await leaseOf(await quota.acquire('bbbbbbbbbbbb', 5, { unlessRevoked: 'bbbbbbbbbbbb' })).release();
  });

  it("frees a dead process's slots when their leases expire, and keeps renewed ones", async () => {
    const keys = freshKeys();
    // The renewals run in this process: a stall longer than the lease would let the renewed one
    // expire too. Renewed every 1.5 s, a 4.5 s lease outlasts any stall.
    const leaseMs = 4_500;
    const deadConnection = await connection();
    const dead = await quotaOn(keys, leaseMs, deadConnection);
    const alive = await quotaOn(keys, leaseMs);
    const kept = leaseOf(await alive.acquire('key:k', 2));
    const deadLease = leaseOf(await dead.acquire('key:k', 2));
    // The process dies: its connection goes, its renewals stop reaching Redis.
    await closeRedisClients([deadConnection]);
    expect(await alive.acquire('key:k', 2)).toEqual({ refused: 'full' });
    const freed = await waitFor(
      async () => {
        const admission = await alive.acquire('key:k', 2);
        return 'lease' in admission ? admission.lease : undefined;
      },
      { timeoutMs: leaseMs + 5_000, intervalMs: 50, what: 'a freed slot' },
    );
    // The lease renewed all along is still held: the subject is full again.
    expect(await alive.held('key:k')).toBe(2);
    await Promise.all([kept.release(), freed.release()]);
    // Stops the dead one's renewal timer; its release cannot reach Redis any more.
    await expect(deadLease.release()).rejects.toThrow();
  });

  it('tells the holder when its lease expired before a renewal', async () => {
    const client = await connection();
    const keys = freshKeys();
    const quota = await quotaOn(keys, 600, client);
    let lost = false;
    const lease = leaseOf(await quota.acquire('key:k', 1, { onLost: () => (lost = true) }));
    // Another party removes it (as an expiry during a long pause would).
    await client.zrem(keys.streamLeases('key:k'), lease.id);
    await waitFor(() => lost, { timeoutMs: 5_000, what: 'the lost-lease callback' });
    await lease.release();
  });
});

describe('RevocationWatch', () => {
  it('hears each published revocation, ignores other messages, and catches up on held keys', async () => {
    const keys = freshKeys();
    const client = await connection();
    const heard: string[][] = [];
    const held = new Set(['cccccccccccc', 'dddddddddddd']);
    const watch = new RevocationWatch({
      subscriber: await connection('subscriber'),
      scripts: new StreamLeaseScripts(client, keys),
      keys,
      heldKeys: () => held,
      onRevoked: (ids) => heard.push([...ids]),
      logger,
    });
    await watch.start();
    try {
      await client.publish(keys.revocationEvents, 'not a key id');
      await client.publish(keys.revocationEvents, 'cccccccccccc');
      await waitFor(() => heard.length > 0, { timeoutMs: 5_000, what: 'the revocation' });
      expect(heard).toEqual([['cccccccccccc']]);
      // Revoked while no message reached us: found by the catch-up.
      await client.zadd(keys.revokedKeys, Date.now(), 'dddddddddddd', Date.now(), 'eeeeeeeeeeee');
      await watch.catchUp();
      expect(heard).toEqual([['cccccccccccc'], ['dddddddddddd']]);
    } finally {
      await watch.stop();
    }
  });

  it('checks the held keys again when its subscriber reconnects, so a revocation it did not hear still ends their streams', async () => {
    const keys = freshKeys();
    const client = await connection();
    const subscriber = await connection('subscriber');
    const heard: string[][] = [];
    const watch = new RevocationWatch({
      subscriber,
      scripts: new StreamLeaseScripts(client, keys),
      keys,
      heldKeys: () => ['ffffffffffff'],
      onRevoked: (ids) => heard.push([...ids]),
      logger,
    });
    await watch.start();
    try {
      // Recorded without a message, as a revocation published while the subscriber was away.
      await client.zadd(keys.revokedKeys, Date.now(), 'ffffffffffff');
      expect(heard).toEqual([]);
      await client.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
      await waitFor(() => heard.length > 0, { timeoutMs: 5_000, what: 'the catch-up after the reconnect' });
      expect(heard).toEqual([['ffffffffffff']]);
    } finally {
      await watch.stop();
    }
  });
});
