/**
 * Every pod's reader of the distribution (DESIGN.md "Distribution"): loads the latest table and
 * the stream's tail in one transaction, then follows the stream with XREAD BLOCK from there.
 * When Redis goes away it keeps the table it has and retries; when Redis comes back and the
 * stream no longer holds the last entry it read (trimmed, or Redis lost its data), it reloads
 * the table and hands it on as one resync batch, so the hub and its clients catch up.
 */
import type { Ticker } from '@tickwire/core';
import type { DistributionConnection, DistributionSnapshot, TickBatch } from '../engine';
import type { ClusterLogger } from '../logger';
import { decodeEntry, decodeTicker, type StreamEntry } from './batch-codec';
import type { ClusterKeys } from './keys';
import { connectRedis, disconnectRedis, type RedisClient } from './redis-client';

export interface StreamFollowerOptions {
  /** A connection used only by this follower (XREAD BLOCK holds it). */
  client: RedisClient;
  keys: ClusterKeys;
  logger: ClusterLogger;
  onBatch: (batch: TickBatch) => void;
}

/** How long one XREAD waits for entries (ms); stop() does not wait for it (it disconnects). */
const READ_BLOCK_MS = 5_000;
/** Entries taken per read: bounds one read's memory when a pod catches up. */
const READ_COUNT = 500;
/** Delay before retrying after a failed read, doubling up to the max (ms). */
const RETRY_BASE_MS = 100;
const RETRY_MAX_MS = 1_000;
/** Before the first entry, XREAD starts from the beginning. */
const STREAM_START = '0-0';

export class StreamFollower {
  private readonly latest = new Map<string, Ticker>();
  private lastId = STREAM_START;
  private running = false;
  private loop: Promise<void> | undefined;
  private state: DistributionConnection = { connected: false, error: 'not started' };
  private malformedEntries = 0;

  constructor(private readonly options: StreamFollowerOptions) {}

  /** Resolves once the table is loaded; following continues in the background. */
  async start(): Promise<void> {
    if (this.running) return;
    await connectRedis(this.options.client);
    await this.loadTable();
    this.running = true;
    this.state = { connected: true };
    this.loop = this.follow();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    // Interrupts a blocked XREAD; the loop sees running === false and ends.
    disconnectRedis(this.options.client);
    await this.loop;
  }

  /** The latest ticker per symbol, as of the last entry read (and handed on). */
  table(): DistributionSnapshot {
    return { id: this.lastId === STREAM_START ? undefined : this.lastId, tickers: [...this.latest.values()] };
  }

  connection(): DistributionConnection {
    return { ...this.state };
  }

  /** Entries that could not be decoded and were skipped. */
  malformed(): number {
    return this.malformedEntries;
  }

  private async follow(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        if (failures > 0) {
          await this.resumeAfterOutage();
          this.options.logger.info({ lastId: this.lastId }, 'following the stream again');
          failures = 0;
          this.state = { connected: true };
        }
        const reply = await this.options.client.xread(
          'COUNT',
          READ_COUNT,
          'BLOCK',
          READ_BLOCK_MS,
          'STREAMS',
          this.options.keys.ticks,
          this.lastId,
        );
        for (const [, entries] of reply ?? []) for (const entry of entries) this.deliver(entry);
      } catch (error) {
        if (!this.running) break;
        failures += 1;
        if (this.state.connected) {
          this.options.logger.warn(
            { err: (error as Error).message },
            'stream read failed; serving what we have',
          );
        }
        this.state = { connected: false, error: (error as Error).message };
        await sleep(Math.min(RETRY_BASE_MS * 2 ** (failures - 1), RETRY_MAX_MS));
      }
    }
  }

  private deliver(entry: StreamEntry): void {
    const [id] = entry;
    this.lastId = id;
    const batch = decodeEntry(entry);
    if (!batch) {
      this.malformedEntries += 1;
      this.options.logger.warn({ id }, 'skipped a stream entry that is not a batch');
      return;
    }
    for (const ticker of batch.tickers) this.latest.set(ticker.symbol, ticker);
    this.emit(batch);
  }

  /** After an outage: go on from lastId if the stream still holds it, else resync from the table. */
  private async resumeAfterOutage(): Promise<void> {
    if (this.lastId === STREAM_START) {
      await this.options.client.ping(); // proves the connection before we claim it
      return;
    }
    const kept = await this.options.client.xrange(this.options.keys.ticks, this.lastId, this.lastId);
    if (kept.length > 0) return;
    const previous = this.lastId;
    await this.loadTable();
    this.options.logger.warn({ previous, resumedAt: this.lastId }, 'stream lost our position; resynced');
    if (this.lastId === STREAM_START || this.latest.size === 0) return;
    // Whole tickers, not trades: drop tradeQty so candles do not count a trade twice.
    const tickers = this.table().tickers.map(({ tradeQty: _, ...ticker }) => ticker);
    this.emit({ id: this.lastId, tickers, resync: true });
  }

  /** The hash and the stream's last id in one transaction: the table is exactly as of that id. */
  private async loadTable(): Promise<void> {
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
    this.lastId = tail[0]?.[0] ?? STREAM_START;
  }

  private emit(batch: TickBatch): void {
    try {
      this.options.onBatch(batch);
    } catch (error) {
      this.options.logger.error({ err: (error as Error).message, id: batch.id }, 'batch listener threw');
    }
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
