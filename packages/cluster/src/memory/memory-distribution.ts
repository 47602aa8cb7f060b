/**
 * The memory engine's distribution: the latest table plus a bounded ring of recent batches,
 * the in-process equivalent of the Redis hash and stream, with the same id format and
 * replay semantics.
 */
import type { Ticker } from '@tickwire/core';
import type {
  BatchListener,
  Distribution,
  DistributionConnection,
  DistributionSnapshot,
  ReplayResult,
  TickBatch,
} from '../engine';
import { parseEventId } from '../event-id';
import { replayAfter } from '../replay-after';
import { compareStreamIds, parseStreamId, StreamIdGenerator, type StreamId } from '../stream-id';

export interface MemoryDistributionOptions {
  /** Batches kept for Last-Event-ID replay (the Redis engine's approximate MAXLEN). */
  retainedBatches: number;
  now: () => number;
}

export const DEFAULT_MEMORY_DISTRIBUTION_OPTIONS: MemoryDistributionOptions = {
  retainedBatches: 10_000,
  now: () => Date.now(),
};

interface RetainedBatch {
  batch: TickBatch;
  position: StreamId;
}

export class MemoryDistribution implements Distribution {
  private readonly options: MemoryDistributionOptions;
  private readonly latest = new Map<string, Ticker>();
  private readonly retained: RetainedBatch[] = [];
  private readonly listeners = new Set<BatchListener>();
  private readonly ids = new StreamIdGenerator();
  private lastId: string | undefined;

  constructor(options: Partial<MemoryDistributionOptions> = {}) {
    this.options = { ...DEFAULT_MEMORY_DISTRIBUTION_OPTIONS, ...options };
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {
    this.listeners.clear();
  }

  async publish(tickers: Ticker[]): Promise<string> {
    const id = this.ids.next(this.options.now());
    this.lastId = id;
    const batch: TickBatch = { id, tickers };
    for (const ticker of tickers) this.latest.set(ticker.symbol, ticker);
    this.retained.push({ batch, position: parseStreamId(id)! });
    if (this.retained.length > this.options.retainedBatches) this.retained.shift();
    for (const listener of this.listeners) listener(batch);
    return id;
  }

  onBatch(listener: BatchListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async snapshot(): Promise<DistributionSnapshot> {
    return { id: this.lastId, tickers: [...this.latest.values()] };
  }

  connection(): DistributionConnection {
    return { connected: true };
  }

  async replaySince(lastEventId: string): Promise<ReplayResult> {
    const position = parseEventId(lastEventId);
    if (!position) return { recovered: false };
    // The entry must be one we still hold: anything older means batches were dropped, anything
    // unknown may come from another process's life.
    const index = this.retained.findIndex((entry) => compareStreamIds(entry.position, position.entry) === 0);
    if (index === -1) return { recovered: false };
    const later = this.retained.slice(index + 1).map((entry) => entry.batch);
    return replayAfter(position, this.retained[index]!.batch, later);
  }
}
