/**
 * Live signals over SSE on every replica (`GET /v1/signals/stream`): the feed reads the signal
 * stream once for the replica, the fan-out writes each signal to the owner's clients, and a
 * client that resumes (Last-Event-ID) first gets the owner's signals it missed, read from the
 * stream in Redis, oldest first and bounded. A resume with more to replay than one stream carries
 * ends after the first part with a `status` whose id is how far it got: reconnecting with that id
 * (what EventSource does by itself) replays the next part, so a client never skips a signal.
 */
import type { ServerResponse } from 'node:http';
import type { RedisConnectionOptions } from '@tickwire/cluster';
import type { Lifecycle } from '@tickwire/core';
import type { Logger } from '@tickwire/observability';
import { encodeEvent, encodeRetry, SseFrame, STREAM_ENDINGS, STREAM_REFUSALS } from '@tickwire/service';
import type { SignalFilter } from '../signals/signal-entry';
import type { SignalLog } from '../signals/signal-log';
import type { ScannerKeys } from '../store/keys';
import { SignalFanout, signalFrame, type SignalStreamMetrics } from './signal-fanout';
import { SignalFeed } from './signal-feed';
import type { SignalSubscriber } from './signal-subscriber';

/** Signals one resume replays at most; the client reconnects for the next ones. */
export const MAX_REPLAY_SIGNALS = 200;
/** Stream entries (every owner's) one resume reads at most, so a rare owner's resume stays cheap. */
export const MAX_REPLAY_SCANNED_ENTRIES = 10_000;
/** Base of the `retry:` hint each stream opens with; each client gets 1x to 2x, jittered (ms). */
export const STREAM_RETRY_MS = 2_000;
/** The hint sent before a stream ends for its next replay part: come back at once (ms). */
const NEXT_PART_RETRY_MS = 100;

export interface SignalStreamOptions {
  connection: RedisConnectionOptions;
  instanceId: string;
  commandTimeoutMs: number;
  keys: ScannerKeys;
  signals: Pick<SignalLog, 'replay'>;
  /** Streams this replica holds at most. */
  maxClients: number;
  heartbeatMs: number;
  /** Default MAX_CLIENT_BUFFER_BYTES. */
  maxClientBufferBytes?: number;
  logger: Logger;
  metrics: SignalStreamMetrics;
}

/** Whether a new stream may open: `closed` once the replica stops, `full` at `maxClients`. */
export type Admission = 'open' | 'closed' | 'full';

/** What the HTTP route needs of the signal stream. */
export interface SignalStreamView {
  /** Counts a `full` answer as a refusal: ask only for a stream about to open. */
  admission(): Admission;
  /** Takes over a response whose head (SSE_HEADERS) was written; `lastEventId` is a stream id. */
  open(response: ServerResponse, filter: SignalFilter, lastEventId: string | undefined): void;
}

export class SignalStream implements Lifecycle, SignalStreamView {
  private readonly feed: SignalFeed;
  private readonly fanout: SignalFanout;
  private phase: 'new' | 'open' | 'closed' = 'new';

  constructor(private readonly options: SignalStreamOptions) {
    this.fanout = new SignalFanout({
      heartbeatMs: options.heartbeatMs,
      ...(options.maxClientBufferBytes === undefined
        ? {}
        : { maxClientBufferBytes: options.maxClientBufferBytes }),
      logger: options.logger,
      metrics: options.metrics,
    });
    this.feed = new SignalFeed({
      connection: options.connection,
      instanceId: options.instanceId,
      commandTimeoutMs: options.commandTimeoutMs,
      keys: options.keys,
      logger: options.logger,
      onSignal: (entry) => this.fanout.publish(entry),
    });
  }

  async start(): Promise<void> {
    await this.feed.start();
    await this.fanout.start();
    this.phase = 'open';
  }

  /** Ends every stream, then closes the reader; idempotent. */
  async stop(): Promise<void> {
    this.phase = 'closed';
    await this.fanout.stop();
    await this.feed.stop();
  }

  /** Streams open on this replica now. */
  clients(): number {
    return this.fanout.clientCount();
  }

  admission(): Admission {
    if (this.phase !== 'open') return 'closed';
    if (this.fanout.clientCount() < this.options.maxClients) return 'open';
    this.options.metrics.signalStreamRejected.inc({ reason: STREAM_REFUSALS.capacity });
    return 'full';
  }

  open(response: ServerResponse, filter: SignalFilter, lastEventId: string | undefined): void {
    const subscriber = this.fanout.subscribe(response, filter);
    subscriber.writeNow(encodeRetry(STREAM_RETRY_MS));
    if (lastEventId === undefined) return;
    subscriber.hold();
    this.resume(subscriber, lastEventId).catch((error: unknown) => {
      this.options.logger.error({ err: error }, 'replaying signals to a resumed stream failed');
      subscriber.writer.destroy();
    });
  }

  private async resume(subscriber: SignalSubscriber, lastEventId: string): Promise<void> {
    const replay = await this.options.signals.replay({
      ...subscriber.filter,
      after: lastEventId,
      limit: MAX_REPLAY_SIGNALS,
      maxScanned: MAX_REPLAY_SCANNED_ENTRIES,
    });
    // A client that left (or was cut) meanwhile costs nothing more.
    if (subscriber.isClosed) return;
    if (replay.entries.length > 0) {
      subscriber.writeNow(SseFrame.join(replay.entries.map(signalFrame)));
      this.options.metrics.signalStreamEvents.inc({ source: 'replay' }, replay.entries.length);
    }
    if (!replay.complete) {
      subscriber.writeNow(encodeRetry(NEXT_PART_RETRY_MS, () => 0));
      this.fanout.end(subscriber, encodeEvent('status', STREAM_ENDINGS.replayLimit, replay.coveredUpTo));
      return;
    }
    const live = subscriber.release(replay.coveredUpTo);
    if (live > 0) this.options.metrics.signalStreamEvents.inc({ source: 'live' }, live);
    this.fanout.cutIfOverLimit(subscriber);
  }
}
