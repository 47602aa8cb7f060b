/**
 * Resume on another pod: an SSE client that read part of a batch and reconnects with the id of
 * the last event it read to a *different* pod gets exactly the events after it, in order, without
 * duplicates, byte for byte what the Redis stream holds; when the stream no longer holds its id,
 * it gets a snapshot and a status saying it was not recovered.
 */
import { Redis } from 'ioredis';
import { midBatchTick, openSse, tickEventsOfEntries, waitFor, type SseEvent } from '@tickwire/testkit';
import { startCluster, type ClusterFixture } from './support/cluster-fixture';

jest.setTimeout(60_000);

const ticks = (events: SseEvent[]) => events.filter((e) => e.event === 'tick');

describe('resuming a stream on another pod', () => {
  let cluster: ClusterFixture | undefined;
  let admin: Redis | undefined;

  afterEach(async () => {
    admin?.disconnect();
    await cluster?.stop();
    cluster = undefined;
  });

  const ticksKey = (c: ClusterFixture) => `${c.namespace}:{${c.namespace}}:ticks`;

  it('gives a client that left in the middle of a batch exactly the events after the last it read, from a different pod', async () => {
    cluster = await startCluster({ pods: 3 });
    await cluster.leader();
    const [podA, podB] = cluster.pods as [(typeof cluster.pods)[0], (typeof cluster.pods)[0]];
    const first = await openSse(`${podA.url}/v1/stream`);
    await first.waitForEvents((events) => midBatchTick(events) !== undefined, 10_000);
    first.close();
    // The client read this tick and not the next one of its batch.
    const leftAt = midBatchTick(first.events)!;
    const [entryId] = leftAt.id!.split('.');
    admin = new Redis(cluster.redis!.url);
    const key = ticksKey(cluster);
    // The client is away while later batches go out.
    await waitFor(async () => (await admin!.xrange(key, `(${entryId}`, '+')).length >= 5, {
      timeoutMs: 10_000,
      what: 'five batches after the one the client left',
    });

    const second = await openSse(`${podB.url}/v1/stream`, { 'Last-Event-ID': leftAt.id! });
    try {
      await second.waitForEvents((events) => ticks(events).length >= 30, 10_000);
      const received = ticks(second.events).map((e) => ({ id: e.id!, data: e.data }));
      const lastEntryId = received.at(-1)!.id.split('.')[0]!;
      const entries = (await admin.xrange(key, entryId!, lastEntryId)) as [string, string[]][];
      const stream = tickEventsOfEntries(entries);
      const from = stream.findIndex((tick) => tick.id === leftAt.id);
      const upTo = stream.findIndex((tick) => tick.id === received.at(-1)!.id);
      expect(from).toBeGreaterThanOrEqual(0);
      expect(stream[from + 1]!.id.split('.')[0]).toBe(entryId); // the rest of its batch is missed too
      expect(second.events.some((e) => e.event === 'snapshot')).toBe(false);
      expect(received).toEqual(stream.slice(from + 1, upTo + 1));
    } finally {
      second.close();
    }
  });

  it('sends a snapshot and a not-recovered status when the stream no longer holds the id', async () => {
    cluster = await startCluster({ pods: 2, env: { STREAM_RETENTION_BATCHES: '100' } });
    await cluster.leader();
    const [podA, podB] = cluster.pods as [(typeof cluster.pods)[0], (typeof cluster.pods)[0]];
    const first = await openSse(`${podA.url}/v1/stream`);
    await first.waitForEvents((events) => ticks(events).length >= 1, 5_000);
    first.close();
    const lastEventId = first.lastEventId!;
    const [entryId] = lastEventId.split('.');
    admin = new Redis(cluster.redis!.url);
    const key = ticksKey(cluster);
    await waitFor(async () => (await admin!.xrange(key, entryId!, entryId!)).length === 0, {
      timeoutMs: 20_000,
      intervalMs: 100,
      what: 'the stream to trim the client id away',
    });

    const second = await openSse(`${podB.url}/v1/stream`, { 'Last-Event-ID': lastEventId });
    try {
      await second.waitForEvents((events) => events.some((e) => e.event === 'status'), 5_000);
      const [snapshot, status] = second.events.filter((e) => e.event !== 'tick');
      expect(snapshot?.event).toBe('snapshot');
      expect(JSON.parse(status!.data)).toMatchObject({ recovered: false });
      // Both carry the position the snapshot reflects: the client can resume from either.
      expect(snapshot!.id).toMatch(/^\d+-\d+$/);
      expect(status!.id).toBe(snapshot!.id);
    } finally {
      second.close();
    }
  });
});
