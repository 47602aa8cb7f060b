/**
 * The local Redis Cluster from startTestRedisCluster behaves like a real cluster for what
 * Tickwire relies on: hash-tagged multi-key Lua, streams read with BLOCK, and pub/sub, all
 * through the ioredis Cluster client.
 */
import { Cluster } from 'ioredis';
import { startTestRedisCluster, type TestRedisCluster } from './redis-cluster';
import { sleep, waitFor } from './wait-for';

/** Covers startTestRedisCluster's own bounds (create 12 s, then 5 s for cluster_state:ok). */
const START_TIMEOUT_MS = 20_000;
/** Each test takes well under half a second; the rest is room for stalls of this process. */
const TEST_TIMEOUT_MS = 10_000;
/** Outlasts a stall between the blocking read and the entry it waits for. */
const XREAD_BLOCK_MS = 5_000;
const MESSAGE_WAIT_MS = 5_000;
/** Long enough for the blocking read to reach its node before the entry it waits for. */
const XREAD_SETTLE_MS = 200;

const SET_BOTH_THEN_GET_SECOND = `
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], ARGV[1])
return redis.call('GET', KEYS[2])
`;

describe('a local Redis Cluster for tests', () => {
  let cluster: TestRedisCluster | undefined;

  beforeAll(async () => {
    cluster = await startTestRedisCluster();
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    await cluster?.stop();
  });

  const connect = () => new Cluster(cluster!.nodes);

  it(
    'routes {tw}-tagged keys to one slot, so a two-key script runs, and refuses untagged ones',
    async () => {
      const redis = connect();
      try {
        const [slotA, slotB] = await Promise.all([
          redis.cluster('KEYSLOT', 't1:{tw}:a'),
          redis.cluster('KEYSLOT', 't1:{tw}:b'),
        ]);
        expect(slotA).toBe(slotB);
        await expect(redis.eval(SET_BOTH_THEN_GET_SECOND, 2, 't1:{tw}:a', 't1:{tw}:b', 'v1')).resolves.toBe(
          'v1',
        );
        expect(await redis.get('t1:{tw}:a')).toBe('v1');
        expect(redis.nodes('master')).toHaveLength(cluster!.nodes.length);

        // Without the tag the keys hash apart and the cluster rejects the script.
        expect(await redis.cluster('KEYSLOT', 't1:a')).not.toBe(await redis.cluster('KEYSLOT', 't1:b'));
        await expect(redis.eval(SET_BOTH_THEN_GET_SECOND, 2, 't1:a', 't1:b', 'v1')).rejects.toThrow(
          /CROSSSLOT/,
        );
      } finally {
        redis.disconnect();
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'wakes an XREAD BLOCK on a {tw} stream when another client adds an entry',
    async () => {
      const stream = 't1:{tw}:stream';
      const writer = connect();
      const reader = connect();
      try {
        const firstId = await writer.xadd(stream, '*', 'n', '1');
        expect(firstId).toEqual(expect.any(String));
        // A keyed command connects the reader to the stream's node before it blocks there.
        expect(await reader.xlen(stream)).toBe(1);

        let settled = false;
        const read = reader.xread('BLOCK', XREAD_BLOCK_MS, 'STREAMS', stream, firstId!);
        void read.then(
          () => (settled = true),
          () => (settled = true),
        );
        await sleep(XREAD_SETTLE_MS);
        expect(settled).toBe(false);

        const secondId = await writer.xadd(stream, '*', 'n', '2');
        await expect(read).resolves.toEqual([[stream, [[secondId, ['n', '2']]]]]);
      } finally {
        writer.disconnect();
        reader.disconnect();
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'delivers a message published on any master to a subscriber of the cluster client',
    async () => {
      const channel = 't1:{tw}:ticks';
      const subscriber = connect();
      const publisher = connect();
      try {
        const received: string[] = [];
        subscriber.on('message', (from: string, message: string) => {
          if (from === channel) received.push(message);
        });
        await subscriber.subscribe(channel);

        await publisher.publish(channel, 'via-cluster');
        // Classic PUBLISH is broadcast over the cluster bus, whichever node the subscriber uses.
        const masters = publisher.nodes('master');
        for (const node of masters) await node.publish(channel, `via-${node.options.port}`);

        const expected = ['via-cluster', ...masters.map((node) => `via-${node.options.port}`)];
        await waitFor(() => received.length >= expected.length, {
          timeoutMs: MESSAGE_WAIT_MS,
          what: 'every published message',
        });
        expect(received.sort()).toEqual(expected.sort());
      } finally {
        subscriber.disconnect();
        publisher.disconnect();
      }
    },
    TEST_TIMEOUT_MS,
  );
});
