/**
 * The local Redis Sentinel from startTestRedisSentinel is one ioredis can discover its master
 * through: commands and Lua sent via `{ sentinels, name }` reach the master the sentinels name.
 */
import { Redis } from 'ioredis';
import { isPortFree } from './redis-server';
import { startTestRedisSentinel, type TestRedisSentinel } from './redis-sentinel';

/** Start-up takes well under a second here; the rest is room for a loaded CI box. */
const START_TIMEOUT_MS = 8_000;
/** Each test takes tens of milliseconds; all the bounds together stay under 20 s. */
const TEST_TIMEOUT_MS = 2_000;
const STOP_TIMEOUT_MS = 2_000;
/** A second, one-sentinel setup started and stopped inside one test. */
const OWN_SETUP_TIMEOUT_MS = 3_000;
/** Two sentinels, so a list of several (each with its own port and directory) is exercised. */
const SENTINELS = 2;

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
      for (const { port } of [own.master, ...own.sentinels]) expect(await isPortFree(port)).toBe(true);
    },
    OWN_SETUP_TIMEOUT_MS,
  );

  it(
    'rejects a sentinel count below one before starting anything',
    async () => {
      await expect(startTestRedisSentinel({ sentinels: 0 })).rejects.toThrow(/sentinels must be/);
    },
    TEST_TIMEOUT_MS,
  );
});
