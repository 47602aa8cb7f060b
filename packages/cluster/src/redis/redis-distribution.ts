/**
 * The Redis engine's distribution: the leader's fenced batch write, every pod's stream
 * follower, and Last-Event-ID replay from the stream (which is what lets a client resume on
 * any pod: the stream id is the SSE event id everywhere).
 */
import type { Ticker } from '@tickwire/core';
import type {
  BatchListener,
  Distribution,
  DistributionConnection,
  DistributionSnapshot,
  ReplayResult,
} from '../engine';
import type { ClusterLogger } from '../logger';
import { parseEventId } from '../event-id';
import { replayAfter } from '../replay-after';
import { decodeEntry, encodeBatch, type StreamEntry } from './batch-codec';
import { NotLeaderError } from './errors';
import type { ClusterKeys } from './keys';
import type { RedisClient } from './redis-client';
import type { ClusterScripts } from './scripts';
import { StreamFollower } from './stream-follower';

export interface RedisDistributionOptions {
  /** The shared command connection (publish, replay). */
  commands: RedisClient;
  /** A connection of its own for the follower's blocking reads. */
  reader: RedisClient;
  scripts: ClusterScripts;
  keys: ClusterKeys;
  logger: ClusterLogger;
  /** The leader's fencing token; undefined when this pod cannot prove it leads. */
  fence: () => { value: string; epoch: number } | undefined;
  /** Approximate MAXLEN of the stream: how far back Last-Event-ID can resume, in batches. */
  retainedBatches: number;
}

export const DEFAULT_RETAINED_BATCHES = 10_000;

export class RedisDistribution implements Distribution {
  private readonly listeners = new Set<BatchListener>();
  private readonly follower: StreamFollower;

  constructor(private readonly options: RedisDistributionOptions) {
    this.follower = new StreamFollower({
      client: options.reader,
      keys: options.keys,
      logger: options.logger,
      onBatch: (batch) => {
        for (const listener of this.listeners) listener(batch);
      },
    });
  }

  start(): Promise<void> {
    return this.follower.start();
  }

  async stop(): Promise<void> {
    await this.follower.stop();
    this.listeners.clear();
  }

  async publish(tickers: Ticker[]): Promise<string> {
    const fence = this.options.fence();
    if (!fence) throw new NotLeaderError('publish', this.options.keys.leader);
    const { batchJson, latestBySymbol } = encodeBatch(tickers);
    return this.options.scripts.fencedPublish(
      fence.value,
      fence.epoch,
      this.options.retainedBatches,
      batchJson,
      latestBySymbol,
    );
  }

  onBatch(listener: BatchListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The follower's table: no Redis round trip, consistent with the batches handed on so far. */
  async snapshot(): Promise<DistributionSnapshot> {
    return this.follower.table();
  }

  connection(): DistributionConnection {
    return this.follower.connection();
  }

  /**
   * The events after `lastEventId`, if the stream still holds the entry it names (so nothing
   * between it and the tail was trimmed). One transaction: the check and the read see the same
   * stream.
   */
  async replaySince(lastEventId: string): Promise<ReplayResult> {
    const position = parseEventId(lastEventId);
    if (!position) return { recovered: false };
    const { entryId } = position;
    const { ticks } = this.options.keys;
    const limit = this.options.retainedBatches * 2;
    const results = await this.options.commands
      .multi()
      .xrange(ticks, entryId, entryId)
      .xrange(ticks, `(${entryId}`, '+', 'COUNT', limit + 1)
      .exec();
    if (!results) return { recovered: false };
    const [[heldError, held], [laterError, later]] = results as [
      [Error | null, StreamEntry[]],
      [Error | null, StreamEntry[]],
    ];
    if (heldError ?? laterError) throw (heldError ?? laterError)!;
    const [heldEntry] = held;
    if (!heldEntry || later.length > limit) return { recovered: false };
    // An entry that is not a batch was skipped by every follower: it has no events.
    const heldBatch = decodeEntry(heldEntry) ?? { id: entryId, tickers: [] };
    return replayAfter(
      position,
      heldBatch,
      later.map(decodeEntry).filter((batch) => batch !== undefined),
    );
  }
}
