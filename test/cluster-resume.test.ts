/**
 * Resume on another pod: an SSE client that reconnects with Last-Event-ID to a *different*
 * pod gets exactly the events it missed, in order, without duplicates, byte for byte what the
 * stream holds; when the stream no longer holds its id, it gets a snapshot and a status saying
 * it was not recovered.
 */
import { Redis } from 'ioredis';
import { openSse, waitFor, type SseEvent } from '@tickwire/testkit';
import { startCluster, type ClusterFixture } from './support/cluster-fixture';

jest.setTimeout(60_000);

const ticks = (events: SseEvent[]) => events.filter((e) => e.event === 'tick');

/** The tick events a pod sends for stream entries: per entry, the latest ticker of each symbol. */
function expectedTicks(entries: [string, string[]][]): { id: string; data: string }[] {
  const out: { id: string; data: string }[] = [];
  for (const [id, fields] of entries) {
    const latest = new Map<string, string>();
    for (const ticker of JSON.parse(fields[fields.indexOf('b') + 1]!) as { symbol: string }[]) {
      latest.set(ticker.symbol, JSON.stringify(ticker));
    }
    for (const data of latest.values()) out.push({ id, data });
  }
  return out;
}

describe('resuming a stream on another pod', () => {
  let cluster: ClusterFixture | undefined;
  let admin: Redis | undefined;

  afterEach(async () => {
    admin?.disconnect();
    await cluster?.stop();
    cluster = undefined;
  });

  const ticksKey = (c: ClusterFixture) => `${c.namespace}:{${c.namespace}}:ticks`;

  it('replays exactly the missed events, in order, with no duplicates, from a different pod', async () => {
    cluster = await startCluster({ pods: 3 });
    await cluster.leader();
    const [podA, podB] = cluster.pods as [(typeof cluster.pods)[0], (typeof cluster.pods)[0]];
    const first = await openSse(`${podA.url}/v1/stream`);
    await first.waitForEvents((events) => ticks(events).length >= 10, 5_000);
    first.close();
    const lastEventId = first.lastEventId!;
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // the client is away; ticks go on

    const second = await openSse(`${podB.url}/v1/stream`, { 'Last-Event-ID': lastEventId });
    try {
      await second.waitForEvents((events) => ticks(events).length >= 30, 5_000);
      const received = ticks(second.events).map((e) => ({ id: e.id!, data: e.data }));
      const lastReceived = received.at(-1)!.id;
      admin = new Redis(cluster.redis!.url);
      const missed = (await admin.xrange(ticksKey(cluster), `(${lastEventId}`, lastReceived)) as [
        string,
        string[],
      ][];
      expect(second.events.some((e) => e.event === 'snapshot')).toBe(false);
      expect(received).toEqual(expectedTicks(missed));
      expect(missed.length).toBeGreaterThan(5);
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
    admin = new Redis(cluster.redis!.url);
    const key = ticksKey(cluster);
    await waitFor(async () => (await admin!.xrange(key, lastEventId, lastEventId)).length === 0, {
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
    } finally {
      second.close();
    }
  });
});
