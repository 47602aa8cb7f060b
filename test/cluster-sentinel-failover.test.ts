/**
 * Pods on Redis Sentinel through real failovers: when the master is SIGKILLed, or handed over
 * alive (`SENTINEL FAILOVER`), Sentinel promotes its replica and the pods carry on by
 * themselves: one leader again holding the only upstream, batches written to the promoted
 * master, and clients' SSE streams, never reconnected, carrying live ticks again on every pod.
 */
import { Redis } from 'ioredis';
import { clusterKeys } from '@tickwire/cluster';
import {
  openSse,
  startTestRedisSentinel,
  waitFor,
  type RedisAddress,
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
/**
 * After a failover with the master alive, Sentinel demotes the old master (and so closes its
 * clients) about 10 s after the switch here; the pods must follow the switch well before that.
 */
const FOLLOW_SWITCH_TIMEOUT_MS = 7_000;

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
    cluster = undefined;
    sentinel = undefined;
  });

  /** Two pods on a fresh Sentinel setup, a leader, and one live SSE stream per pod. */
  async function startLiveCluster(): Promise<{ setup: TestRedisSentinel; fixture: ClusterFixture }> {
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
    return { setup: sentinel, fixture: cluster };
  }

  /** Waits for the promoted master's stream to grow: the leader writes its batches there. */
  async function waitForBatchesOn(address: RedisAddress, namespace: string, timeoutMs: number) {
    const promoted = new Redis({ host: address.host, port: address.port, lazyConnect: true });
    try {
      const ticksKey = clusterKeys(namespace).ticks;
      const lengthBefore = await promoted.xlen(ticksKey);
      await waitFor(async () => (await promoted.xlen(ticksKey)) > lengthBefore, {
        timeoutMs,
        what: 'new batches on the promoted master',
      });
    } finally {
      promoted.disconnect();
    }
  }

  /** The same streams, never reconnected, carry live ticks again on every pod. */
  async function expectLiveStreams(): Promise<void> {
    const from = Date.now();
    for (const sse of streams) {
      await sse.waitForEvents(() => hasTickAfter(sse, from), TICKS_TIMEOUT_MS);
      expect(sse.closed).toBe(false);
    }
  }

  it('elects a leader again and keeps every client stream live after the master is killed', async () => {
    const { setup, fixture } = await startLiveCluster();
    const killedAt = Date.now();
    await setup.killMaster();
    await waitFor(async () => (await setup.currentMaster())?.port === setup.replica.port, {
      timeoutMs: FAILOVER_TIMEOUT_MS,
      what: 'Sentinel to promote the replica',
    });
    const promotedAt = Date.now();
    process.stdout.write(`master killed: Sentinel promoted the replica after ${promotedAt - killedAt} ms\n`);

    await fixture.leader(RECOVERY_TIMEOUT_MS);
    process.stdout.write(
      `a leader holds the upstream again ${Date.now() - promotedAt} ms after the promotion\n`,
    );
    await waitForBatchesOn(setup.replica, fixture.namespace, TICKS_TIMEOUT_MS);
    await expectLiveStreams();
    // Never two upstream connections at once, through the whole failover.
    expect(samplesSince(fixture.samples, killedAt).filter((s) => s.connections > 1)).toEqual([]);
  });

  it('follows a failover with the old master alive at the switch, not when the old master is demoted', async () => {
    const { setup, fixture } = await startLiveCluster();
    const requestedAt = Date.now();
    await setup.failover();
    await waitFor(async () => (await setup.currentMaster())?.port === setup.replica.port, {
      timeoutMs: FAILOVER_TIMEOUT_MS,
      what: 'Sentinel to promote the replica',
    });
    const switchedAt = Date.now();
    // Until it is demoted the old master still takes writes, which the promoted one never sees.
    await waitForBatchesOn(setup.replica, fixture.namespace, FOLLOW_SWITCH_TIMEOUT_MS);
    process.stdout.write(
      `failover requested: switch after ${switchedAt - requestedAt} ms, batches on the new master ${Date.now() - switchedAt} ms later\n`,
    );
    await fixture.leader(RECOVERY_TIMEOUT_MS);
    await expectLiveStreams();
    expect(samplesSince(fixture.samples, requestedAt).filter((s) => s.connections > 1)).toEqual([]);
  });
});
