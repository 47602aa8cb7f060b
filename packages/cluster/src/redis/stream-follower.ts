/**
 * Every pod's reader of the distribution (DESIGN.md "Distribution"): loads the latest table and
 * the stream's tail in one transaction, then follows the stream from there (StreamTail).
 * When Redis goes away it keeps the table it has and retries; when Redis comes back and the
 * stream no longer holds the last entry it read (trimmed, or Redis lost its data), it reloads
 * the table and hands it on as one resync batch, so the hub and its clients catch up.
 */
import type { Ticker } from '@tickwire/core';
import type { DistributionConnection, DistributionSnapshot, TickBatch } from '../engine';
import type { ClusterLogger } from '../logger';
import { decodeEntry, decodeTicker, type StreamEntry } from './batch-codec';
import type { ClusterKeys } from './keys';
import { connectRedis, type RedisClient } from './redis-client';
import { STREAM_START, StreamTail } from './stream-tail';

export interface StreamFollowerOptions {
  /** A connection used only by this follower (XREAD BLOCK holds it). */
  client: RedisClient;
  keys: ClusterKeys;
  logger: ClusterLogger;
  onBatch: (batch: TickBatch) => void;
}

export class StreamFollower {
  private readonly latest = new Map<string, Ticker>();
  private readonly tail: StreamTail;
  private running = false;
  private malformedEntries = 0;

  constructor(private readonly options: StreamFollowerOptions) {
    this.tail = new StreamTail({
      client: options.client,
      key: options.keys.ticks,
      logger: options.logger,
      onEntry: (entry) => this.deliver(entry),
      onRecovered: () => this.resumeAfterOutage(),
    });
  }

  /** Resolves once the table is loaded; following continues in the background. */
  async start(): Promise<void> {
    if (this.running) return;
    await connectRedis(this.options.client);
    const lastId = await this.loadTable();
    this.running = true;
    this.tail.follow(lastId);
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.tail.stop();
  }

  /** The latest ticker per symbol, as of the last entry read (and handed on). */
  table(): DistributionSnapshot {
    const lastId = this.tail.position();
    return { id: lastId === STREAM_START ? undefined : lastId, tickers: [...this.latest.values()] };
  }

  connection(): DistributionConnection {
    return this.tail.connection();
  }

  /** Entries that could not be decoded and were skipped. */
  malformed(): number {
    return this.malformedEntries;
  }

  private deliver(entry: StreamEntry): void {
    const batch = decodeEntry(entry);
    if (!batch) {
      this.malformedEntries += 1;
      this.options.logger.warn({ id: entry[0] }, 'skipped a stream entry that is not a batch');
      return;
    }
    for (const ticker of batch.tickers) this.latest.set(ticker.symbol, ticker);
    this.emit(batch);
  }

  /** After an outage: go on from the position if the stream still holds it, else resync from the table. */
  private async resumeAfterOutage(): Promise<void> {
    const previous = this.tail.position();
    if (previous === STREAM_START) {
      await this.options.client.ping(); // proves the connection before we claim it
      return;
    }
    const kept = await this.options.client.xrange(this.options.keys.ticks, previous, previous);
    if (kept.length > 0) return;
    const lastId = await this.loadTable();
    this.tail.moveTo(lastId);
    this.options.logger.warn({ previous, resumedAt: lastId }, 'stream lost our position; resynced');
    if (lastId === STREAM_START || this.latest.size === 0) return;
    // Whole tickers, not trades or bars: drop tradeQty and bar so candles do not count one twice.
    const tickers = this.table().tickers.map(({ tradeQty: _, bar: __, ...ticker }) => ticker);
    this.emit({ id: lastId, tickers, resync: true });
  }

  /**
   * The hash and the stream's last id in one transaction: the table is exactly as of that id,
   * which it returns (where to follow from).
   */
  private async loadTable(): Promise<string> {
    const { ticks, prices } = this.options.keys;
    const results = await this.options.client
      .multi()
      .xrevrange(ticks, '+', '-', 'COUNT', 1)
      .hgetall(prices)
      .exec();
    if (!results) throw new Error('snapshot transaction was aborted');
    const [[tailError, tail], [hashError, hash]] = results as [
      [Error | null, StreamEntry[]],
      [Error | null, Record<string, string>],
    ];
    if (tailError ?? hashError) throw (tailError ?? hashError)!;
    this.latest.clear();
    for (const json of Object.values(hash)) {
      const ticker = decodeTicker(json);
      if (ticker) this.latest.set(ticker.symbol, ticker);
      else this.malformedEntries += 1;
    }
    return tail[0]?.[0] ?? STREAM_START;
  }

  private emit(batch: TickBatch): void {
    try {
      this.options.onBatch(batch);
    } catch (error) {
      this.options.logger.error({ err: (error as Error).message, id: batch.id }, 'batch listener threw');
    }
  }
}
