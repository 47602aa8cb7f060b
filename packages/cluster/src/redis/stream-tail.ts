/**
 * Follows one Redis stream with XREAD BLOCK on a connection of its own and hands each entry on,
 * in order, exactly once per position: the pods' distribution follower and the scanner's signal
 * feed both read their stream through it. When a read fails (Redis away, failover) it keeps its
 * position and retries with a growing delay; before it reads again, its owner's `onRecovered`
 * may check that position (the distribution resyncs when the stream lost it) and move it.
 */
import type { ClusterLogger } from '../logger';
import type { StreamEntry } from './batch-codec';
import { disconnectRedis, type RedisClient } from './redis-client';

export interface StreamTailOptions {
  /** A connection used only by this tail (XREAD BLOCK holds it); `stop()` closes it. */
  client: RedisClient;
  key: string;
  logger: ClusterLogger;
  onEntry(entry: StreamEntry): void;
  /**
   * After an outage, before the next read: resolves once the connection is proven (throws when it
   * is not) and may move the position with `moveTo`. Default: a PING.
   */
  onRecovered?(): Promise<void>;
}

/** Whether the tail is reading, and what failed when it is not. */
export interface StreamTailState {
  connected: boolean;
  error?: string;
}

/** How long one XREAD waits for entries (ms); stop() does not wait for it (it disconnects). */
const READ_BLOCK_MS = 5_000;
/** Entries taken per read: bounds one read's memory while a reader catches up. */
const READ_COUNT = 500;
/** Delay before retrying after a failed read, doubling up to the max (ms). */
const RETRY_BASE_MS = 100;
const RETRY_MAX_MS = 1_000;
/** Reading from here gets every entry the stream holds. */
export const STREAM_START = '0-0';

export class StreamTail {
  private lastId = STREAM_START;
  private running = false;
  private loop: Promise<void> | undefined;
  private state: StreamTailState = { connected: false, error: 'not started' };

  constructor(private readonly options: StreamTailOptions) {}

  /** Starts reading the entries after `afterId` (its client connected already); returns at once. */
  follow(afterId: string): void {
    if (this.running) return;
    this.lastId = afterId;
    this.running = true;
    this.state = { connected: true };
    this.loop = this.read();
  }

  /** Ends the reads and closes the connection; idempotent, and a tail never followed closes nothing. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    // Interrupts a blocked XREAD; the loop sees running === false and ends.
    disconnectRedis(this.options.client);
    await this.loop;
  }

  /** The id of the last entry handed on (or where following started). */
  position(): string {
    return this.lastId;
  }

  /** Continues after `id` instead (from `onRecovered`, when the stream no longer holds the position). */
  moveTo(id: string): void {
    this.lastId = id;
  }

  connection(): StreamTailState {
    return { ...this.state };
  }

  private async read(): Promise<void> {
    const { client, key, logger } = this.options;
    let failures = 0;
    while (this.running) {
      try {
        if (failures > 0) {
          await (this.options.onRecovered ? this.options.onRecovered() : client.ping());
          logger.info({ key, lastId: this.lastId }, 'following the stream again');
          failures = 0;
          this.state = { connected: true };
        }
        const reply = await client.xread(
          'COUNT',
          READ_COUNT,
          'BLOCK',
          READ_BLOCK_MS,
          'STREAMS',
          key,
          this.lastId,
        );
        for (const [, entries] of reply ?? []) {
          for (const entry of entries) {
            this.lastId = entry[0];
            this.hand(entry);
          }
        }
      } catch (error) {
        if (!this.running) break;
        failures += 1;
        if (this.state.connected)
          logger.warn({ key, err: (error as Error).message }, 'stream read failed; serving what we have');
        this.state = { connected: false, error: (error as Error).message };
        await sleep(Math.min(RETRY_BASE_MS * 2 ** (failures - 1), RETRY_MAX_MS));
      }
    }
  }

  private hand(entry: StreamEntry): void {
    try {
      this.options.onEntry(entry);
    } catch (error) {
      this.options.logger.error(
        { err: (error as Error).message, id: entry[0] },
        'stream entry listener threw',
      );
    }
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
