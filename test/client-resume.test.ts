/**
 * The SDK's PriceStream across the loss of the pod it streams from: two pods on Redis, the
 * client on the leader, the leader killed (SIGKILL) or stopped (SIGTERM) while the client reads
 * 1,000 tick events. The client moves to the other pod, resumes with Last-Event-ID, and its
 * ticks are exactly those of the cluster's stream (compared with what Redis holds): none
 * missed, none twice.
 */
import { Redis } from 'ioredis';
import { PriceStream, TickwireClient, type StreamStatus, type TickEvent } from '@tickwire/client';
import { tickEventsOfEntries, waitFor, type StreamEntry } from '@tickwire/testkit';
import { startCluster, TEST_SYMBOLS, type ClusterFixture } from './support/cluster-fixture';

jest.setTimeout(90_000);

const EVENTS = 1_000;
/** The leader dies this far into the run, so the resume has events on both sides of it. */
const KILL_AFTER_EVENTS = 300;

describe('PriceStream across the loss of its pod', () => {
  let cluster: ClusterFixture | undefined;
  let stream: PriceStream | undefined;
  let admin: Redis | undefined;

  afterEach(async () => {
    stream?.close();
    admin?.disconnect();
    await cluster?.stop();
    stream = cluster = admin = undefined;
  });

  // SIGKILL: the connection drops mid-stream. SIGTERM: the pod ends it with a `closing` status.
  it.each(['SIGKILL', 'SIGTERM'] as const)(
    'receives 1,000 tick events with no gap and no duplicate while the pod it streams from gets %s',
    async (signal) => {
      cluster = await startCluster({ pods: 2, sim: { tradesPerSecond: 40 } });
      const leader = await cluster.leader();
      const other = cluster.pods.find((pod) => pod !== leader)!;
      const symbols = TEST_SYMBOLS.split(',');
      // A price first, so the snapshot has a place in the stream to be exact as of.
      await waitFor(async () => (await fetch(`${leader.url}/v1/prices/BTCUSDT`)).status === 200, {
        timeoutMs: 10_000,
        what: 'a price',
      });
      // The leader first: losing it also moves the exchange connection, the harder case. The stream
      // connects on its own once constructed: every listener is on it before this turn of the event loop ends.
      stream = new PriceStream({
        baseUrl: [leader.url, other.url],
        symbols,
        reconnect: { baseDelayMs: 200, maxDelayMs: 1_000 },
        connectTimeoutMs: 2_000,
      });
      const ticks: TickEvent[] = [];
      const snapshots: { id: string | undefined; gap: boolean }[] = [];
      const statuses: StreamStatus[] = [];
      stream.on('tick', (tick) => ticks.push(tick));
      stream.on('snapshot', ({ id, gap }) => snapshots.push({ id, gap }));
      stream.on('status', (status) => statuses.push(status));
      const errors: string[] = [];
      stream.on('error', (error) => errors.push(error.code));

      await waitFor(() => ticks.length >= KILL_AFTER_EVENTS, {
        timeoutMs: 20_000,
        what: `${KILL_AFTER_EVENTS} ticks`,
      });
      expect((await new TickwireClient({ baseUrl: leader.url }).status()).sseClients).toBe(1);
      leader.kill(signal);
      await waitFor(() => ticks.length >= EVENTS, { timeoutMs: 40_000, what: `${EVENTS} ticks` });
      stream.close();

      // The stream moved to the other pod: closing it there leaves none.
      const otherPod = new TickwireClient({ baseUrl: other.url });
      await waitFor(async () => (await otherPod.status()).sseClients === 0, {
        timeoutMs: 5_000,
        what: 'the stream to close',
      });
      expect(statuses).toEqual(expect.arrayContaining(['disconnected']));
      // A killed pod drops the connection; a stopped one ends the stream after a `closing` status.
      expect(errors[0]).toBe(signal === 'SIGKILL' ? 'NETWORK_ERROR' : 'STREAM_ENDED');
      // One snapshot, when it opened: the resume was served from the stream, not by a new snapshot.
      expect(snapshots).toHaveLength(1);
      expect(ticks.every((tick) => tick.id !== undefined)).toBe(true);

      admin = new Redis(cluster.redis!.url);
      const key = `${cluster.namespace}:{${cluster.namespace}}:ticks`;
      const [snapshotEntry] = snapshots[0]!.id!.split('.');
      const lastEntry = ticks.at(-1)!.id!.split('.')[0]!;
      const entries = (await admin.xrange(key, snapshotEntry!, lastEntry)) as StreamEntry[];
      // The snapshot is exact as of its entry: the stream's ticks after that entry, up to the last one read.
      const expected = tickEventsOfEntries(entries.filter(([id]) => id !== snapshotEntry));
      const received = ticks.map(({ ticker, id }) => ({ id: id!, data: JSON.stringify(ticker) }));
      // The client may have stopped inside the last entry it read.
      const upTo = expected.findIndex((tick) => tick.id === received.at(-1)!.id);
      expect(upTo).toBeGreaterThanOrEqual(EVENTS - 1);
      expect(received).toEqual(expected.slice(0, upTo + 1));
    },
  );
});
