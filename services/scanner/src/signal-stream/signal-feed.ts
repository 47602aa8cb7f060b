/**
 * Every replica's reader of the signal stream: one connection of its own, opened like every
 * other (openRedisClients), following the stream with XREAD BLOCK (StreamTail) from its newest
 * entry at start, and handing each signal on to the replica's stream clients. However many
 * clients are connected, a replica holds this one reader.
 */
import {
  closeRedisClients,
  connectRedis,
  openRedisClients,
  STREAM_START,
  StreamTail,
  type RedisClient,
  type RedisConnectionOptions,
} from '@tickwire/cluster';
import type { Lifecycle } from '@tickwire/core';
import type { Logger } from '@tickwire/observability';
import type { ScannerKeys } from '../store/keys';
import { decodeSignalEntry, type SignalEntry } from '../signals/signal-entry';

export interface SignalFeedOptions {
  connection: RedisConnectionOptions;
  /** Shown in CLIENT LIST next to the connection's purpose. */
  instanceId: string;
  commandTimeoutMs: number;
  keys: ScannerKeys;
  logger: Logger;
  onSignal(entry: SignalEntry): void;
}

export class SignalFeed implements Lifecycle {
  private reader: RedisClient | undefined;
  private tail: StreamTail | undefined;
  private stopped: Promise<void> | undefined;

  constructor(private readonly options: SignalFeedOptions) {}

  /** Resolves once the reader is connected and knows where the stream ends; throws when Redis cannot be reached. */
  async start(): Promise<void> {
    if (this.reader) return;
    const { connection, instanceId, commandTimeoutMs, keys, logger } = this.options;
    const { 'stream-reader': reader } = await openRedisClients(connection, { instanceId, commandTimeoutMs }, [
      'stream-reader',
    ]);
    this.reader = reader;
    await connectRedis(reader);
    // Signals stored before this replica started are not live news: clients that missed them
    // resume with Last-Event-ID, which reads the stream itself.
    const [newest] = await reader.xrevrange(keys.signals, '+', '-', 'COUNT', 1);
    this.tail = new StreamTail({
      client: reader,
      key: keys.signals,
      logger,
      onEntry: (raw) => {
        const entry = decodeSignalEntry(raw);
        if (entry) this.options.onSignal(entry);
        else logger.warn({ id: raw[0] }, 'skipped a signal stream entry without its fields');
      },
    });
    this.tail.follow(newest?.[0] ?? STREAM_START);
  }

  /** Idempotent; closes the reader whether or not it got as far as following. */
  stop(): Promise<void> {
    this.stopped ??= this.close();
    return this.stopped;
  }

  private async close(): Promise<void> {
    if (this.tail) await this.tail.stop();
    else if (this.reader) await closeRedisClients([this.reader]);
  }
}
