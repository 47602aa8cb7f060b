/**
 * The local Redis Sentinel from startTestRedisSentinel is one ioredis can discover its master
 * through: commands and Lua sent via `{ sentinels, name }` reach the master the sentinels name,
 * and when that master is killed the sentinels promote its replica, where ioredis follows.
 */
import { Redis } from 'ioredis';
import { isPortFree } from './redis-server';
import { startTestRedisSentinel, type TestRedisSentinel } from './redis-sentinel';
import { waitFor } from './wait-for';

/** Start-up takes well under a second here; the rest is room for a loaded CI box. */
const START_TIMEOUT_MS = 8_000;
/** Each test takes tens of milliseconds; the rest is room for stalls of this process. */
const TEST_TIMEOUT_MS = 8_000;
const STOP_TIMEOUT_MS = 5_000;
/** A second, one-sentinel setup started and stopped inside one test. */
const OWN_SETUP_TIMEOUT_MS = 10_000;
/** Two sentinels, so a list of several (each with its own port and directory) is exercised. */
const SENTINELS = 2;
/**
 * The sentinel's down-after (2 s), the failover's own steps (about 1 s, plus up to 1 s of
 * desynchronisation Sentinel adds), and room for a loaded CI box.
 */
const FAILOVER_TIMEOUT_MS = 10_000;
const FAILOVER_TEST_TIMEOUT_MS = 20_000;

const INCR_BY_THEN_READ = `
redis.call('INCRBY', KEYS[1], ARGV[1])
return tonumber(redis.call('GET', KEYS[1]))
`;

describe('a local Redis Sentinel for tests', () => {
  let setup: TestRedisSentinel | undefined;

  beforeAll(async () => {
    setup = await startTestRedisSentinel({ sentinels: SENTINELS, masterName: 'tw-test' });
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    await setup?.stop();
  }, STOP_TIMEOUT_MS);

  // No retries: a broken setup should fail the test at once, not after ioredis's backoff.
  const connect = () =>
    new Redis({
      sentinels: setup!.sentinels,
      name: setup!.masterName,
      sentinelRetryStrategy: () => null,
      maxRetriesPerRequest: 0,
    });

  it(
    'lets ioredis find the master through the sentinels, where SET then GET round-trips',
    async () => {
      expect(setup!.sentinels).toHaveLength(SENTINELS);
      expect(setup!.masterName).toBe('tw-test');
      const redis = connect();
      try {
        await redis.set('t1:sentinel:key', 'v1');
        expect(await redis.get('t1:sentinel:key')).toBe('v1');
        // The connection is to the master the setup reports, not to a sentinel.
        expect(await redis.config('GET', 'port')).toEqual(['port', String(setup!.master.port)]);
        expect(((await redis.call('ROLE')) as unknown[])[0]).toBe('master');
      } finally {
        redis.disconnect();
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'runs a Lua script with EVAL on the master found through the sentinels',
    async () => {
      const redis = connect();
      try {
        await expect(redis.eval(INCR_BY_THEN_READ, 1, 't1:sentinel:counter', '5')).resolves.toBe(5);
        await expect(redis.eval(INCR_BY_THEN_READ, 1, 't1:sentinel:counter', '2')).resolves.toBe(7);
      } finally {
        redis.disconnect();
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'starts one sentinel named tickwire by default, and a second stop is a no-op that leaves every port free',
    async () => {
      const own = await startTestRedisSentinel();
      try {
        expect(own.sentinels).toHaveLength(1);
        expect(own.masterName).toBe('tickwire');
      } finally {
        await own.stop();
        await own.stop();
      }
      for (const { port } of [own.master, own.replica, ...own.sentinels]) {
        expect(await isPortFree(port)).toBe(true);
      }
    },
    OWN_SETUP_TIMEOUT_MS,
  );

  it(
    'promotes the replica when the master is killed, and a client reconnects to it with the data written before',
    async () => {
      const own = await startTestRedisSentinel();
      const redis = new Redis({
        sentinels: own.sentinels,
        name: own.masterName,
        maxRetriesPerRequest: 0,
        retryStrategy: () => 100,
        sentinelRetryStrategy: () => 100,
      });
      redis.on('error', () => undefined); // refused connections while the master is gone
      try {
        expect(own.replica.port).not.toBe(own.master.port);
        await redis.set('t1:sentinel:before', 'kept');
        // The write reached the replica before the master dies, so the failover cannot lose it.
        expect(await redis.wait(1, 5_000)).toBe(1);
        await own.killMaster();
        await waitFor(async () => (await own.currentMaster())?.port === own.replica.port, {
          timeoutMs: FAILOVER_TIMEOUT_MS,
          what: 'the sentinel to name the replica as master',
        });
        const answer = await waitFor(
          () =>
            redis.get('t1:sentinel:before').then(
              (value) => ({ value }),
              () => undefined,
            ),
          { timeoutMs: FAILOVER_TIMEOUT_MS, what: 'the client to reach the promoted replica' },
        );
        expect(answer.value).toBe('kept');
        expect(((await redis.call('ROLE')) as unknown[])[0]).toBe('master');
        expect(await redis.config('GET', 'port')).toEqual(['port', String(own.replica.port)]);
      } finally {
        redis.disconnect();
        await own.stop();
      }
    },
    FAILOVER_TEST_TIMEOUT_MS,
  );

  it(
    'rejects a sentinel count below one before starting anything',
    async () => {
      await expect(startTestRedisSentinel({ sentinels: 0 })).rejects.toThrow(/sentinels must be/);
    },
    TEST_TIMEOUT_MS,
  );
});
