/**
 * Pods on Redis Sentinel through a real failover: the master is SIGKILLed, Sentinel promotes
 * its replica, and the pods carry on by themselves: one leader again holding the only upstream,
 * batches written to the promoted master, and clients' SSE streams, never reconnected, carrying
 * live ticks again on every pod.
 */
import { Redis } from 'ioredis';
import { clusterKeys } from '@tickwire/cluster';
import {
  openSse,
  startTestRedisSentinel,
  waitFor,
  type SseConnection,
  type TestRedisSentinel,
} from '@tickwire/testkit';
import { samplesSince, startCluster, type ClusterFixture } from './support/cluster-fixture';

jest.setTimeout(60_000);

/**
 * The test sentinels' down-after (2 s), the failover's own steps (about 1 s, plus up to 1 s of
 * desynchronisation Sentinel adds) and room for a loaded CI box.
 */
const FAILOVER_TIMEOUT_MS = 10_000;
/** The pods' reconnect (at most 1 s apart) plus a lease of 2 s left by the old leader, doubled. */
const RECOVERY_TIMEOUT_MS = 10_000;
const TICKS_TIMEOUT_MS = 5_000;

const hasTickAfter = (sse: SseConnection, at: number) =>
  sse.events.some((event) => event.event === 'tick' && event.receivedAt > at);

describe('a cluster on Redis Sentinel through a failover', () => {
  let sentinel: TestRedisSentinel | undefined;
  let cluster: ClusterFixture | undefined;
  const streams: SseConnection[] = [];

  afterEach(async () => {
    for (const sse of streams.splice(0)) sse.close();
    await cluster?.stop();
    await sentinel?.stop();
  });

  it('elects a leader again and keeps every client stream live after the master is killed', async () => {
    sentinel = await startTestRedisSentinel();
    const seeds = sentinel.sentinels.map(({ host, port }) => `${host}:${port}`).join(',');
    cluster = await startCluster({
      pods: 2,
      redisEnv: { REDIS_SENTINELS: seeds, REDIS_SENTINEL_MASTER: sentinel.masterName },
    });
    await cluster.leader();
    for (const pod of cluster.pods) streams.push(await openSse(`${pod.url}/v1/stream`));
    for (const sse of streams) {
      await sse.waitForEvents((events) => events.some((e) => e.event === 'tick'), TICKS_TIMEOUT_MS);
    }

    const killedAt = Date.now();
    await sentinel.killMaster();
    await waitFor(async () => (await sentinel!.currentMaster())?.port === sentinel!.replica.port, {
      timeoutMs: FAILOVER_TIMEOUT_MS,
      what: 'Sentinel to promote the replica',
    });
    const promotedAt = Date.now();
    process.stdout.write(`master killed: Sentinel promoted the replica after ${promotedAt - killedAt} ms\n`);

    await cluster.leader(RECOVERY_TIMEOUT_MS);
    process.stdout.write(`a leader holds the upstream again ${Date.now() - promotedAt} ms after the promotion\n`);
    // The leader writes its batches to the promoted master: its stream grows there.
    const promoted = new Redis({ host: sentinel.replica.host, port: sentinel.replica.port, lazyConnect: true });
    try {
      const ticksKey = clusterKeys(cluster.namespace).ticks;
      const lengthAfterLeader = await promoted.xlen(ticksKey);
      await waitFor(async () => (await promoted.xlen(ticksKey)) > lengthAfterLeader, {
        timeoutMs: TICKS_TIMEOUT_MS,
        what: 'new batches on the promoted master',
      });
    } finally {
      promoted.disconnect();
    }
    const writingAt = Date.now();
    // The same streams, never reconnected, carry live ticks again on every pod.
    for (const sse of streams) {
      await sse.waitForEvents(() => hasTickAfter(sse, writingAt), TICKS_TIMEOUT_MS);
      expect(sse.closed).toBe(false);
    }
    // Never two upstream connections at once, through the whole failover.
    expect(samplesSince(cluster.samples, killedAt).filter((s) => s.connections > 1)).toEqual([]);
  });
});
