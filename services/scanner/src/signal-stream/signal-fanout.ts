/**
 * This replica's signal stream clients, by owner. Each signal the feed reads is encoded once, if
 * any client wants it, and the same bytes go to each of the owner's clients whose filters it
 * passes. Idle clients get a comment now and then so proxies keep them open; a client whose
 * unsent bytes pass the limit is cut and counted; at shutdown every stream ends with a last
 * `status` saying so.
 */
import type { ServerResponse } from 'node:http';
import { parseStreamId } from '@tickwire/cluster';
import type { Lifecycle } from '@tickwire/core';
import type { Logger } from '@tickwire/observability';
import {
  encodeEvent,
  eventText,
  HEARTBEAT_FRAME,
  SseFrame,
  SseWriter,
  STREAM_ENDINGS,
} from '@tickwire/service';
import type { ScannerMetrics } from '../metrics';
import type { SignalEntry, SignalFilter } from '../signals/signal-entry';
import { SignalSubscriber } from './signal-subscriber';

/** Unsent bytes a client may hold before it is cut: about a thousand signals it did not read. */
export const MAX_CLIENT_BUFFER_BYTES = 1024 * 1024;
/** A stream the replica ends gets this long to take its last bytes before it is destroyed (ms). */
export const STREAM_END_GRACE_MS = 1_000;

export type SignalStreamMetrics = Pick<
  ScannerMetrics,
  'signalStreamClients' | 'signalStreamEvents' | 'signalStreamDropped' | 'signalStreamRejected'
>;

export interface SignalFanoutOptions {
  /** A stream is never silent longer than this: idle ones get a comment (ms). */
  heartbeatMs: number;
  /** Default MAX_CLIENT_BUFFER_BYTES. */
  maxClientBufferBytes?: number;
  logger: Logger;
  metrics: SignalStreamMetrics;
  now?: () => number;
}

/** The event a signal is sent as: its stream id, and its JSON as appended. */
export function signalFrame(entry: SignalEntry): SseFrame {
  return SseFrame.fromText(eventText('signal', entry.json, entry.streamId));
}

export class SignalFanout implements Lifecycle {
  private readonly byOwner = new Map<string, Set<SignalSubscriber>>();
  private clients = 0;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(private readonly options: SignalFanoutOptions) {
    this.now = options.now ?? Date.now;
  }

  async start(): Promise<void> {
    if (this.heartbeatTimer) return;
    // Every half period, clients silent for half a period get a comment: none is silent longer
    // than heartbeatMs, and clients receiving signals get no heartbeat.
    this.heartbeatTimer = setInterval(() => this.heartbeat(), this.options.heartbeatMs / 2);
  }

  /** Ends every stream with a last `status` (no id: a client resumes from the last signal it read). */
  async stop(): Promise<void> {
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
    if (this.clients === 0) return;
    const goodbye = encodeEvent('status', STREAM_ENDINGS.serverShutdown);
    for (const subscribers of [...this.byOwner.values()])
      for (const subscriber of [...subscribers]) this.end(subscriber, goodbye);
  }

  clientCount(): number {
    return this.clients;
  }

  /** Registers a stream whose head was written; the caller writes the preamble next. */
  subscribe(response: ServerResponse, filter: SignalFilter): SignalSubscriber {
    const writer = new SseWriter(response);
    const subscriber = new SignalSubscriber(
      writer,
      filter,
      this.options.maxClientBufferBytes ?? MAX_CLIENT_BUFFER_BYTES,
      this.now,
    );
    let owned = this.byOwner.get(filter.ownerId);
    if (!owned) this.byOwner.set(filter.ownerId, (owned = new Set()));
    owned.add(subscriber);
    this.clients += 1;
    this.options.metrics.signalStreamClients.set(this.clients);
    writer.onceClosed(() => this.remove(subscriber));
    return subscriber;
  }

  /** A signal the feed read: encoded once, written to every client that wants it. */
  publish(entry: SignalEntry): void {
    const owned = this.byOwner.get(entry.ownerId);
    if (owned === undefined) return;
    const id = parseStreamId(entry.streamId);
    if (id === undefined) return; // not from XADD: nothing to resume from
    let frame: SseFrame | undefined;
    let written = 0;
    for (const subscriber of [...owned]) {
      if (!subscriber.wants(entry)) continue;
      frame ??= signalFrame(entry);
      if (subscriber.deliver(id, frame)) written += 1;
      this.cutIfOverLimit(subscriber);
    }
    if (written > 0) this.options.metrics.signalStreamEvents.inc({ source: 'live' }, written);
  }

  /** Cuts a client whose unsent bytes passed the limit; true when it did. */
  cutIfOverLimit(subscriber: SignalSubscriber): boolean {
    if (subscriber.isClosed || !subscriber.isOverLimit()) return false;
    this.options.metrics.signalStreamDropped.inc();
    this.options.logger.warn(
      { owner: subscriber.filter.ownerId, unsentBytes: subscriber.writer.bufferedBytes() },
      'cut a signal stream client that stopped reading',
    );
    // Queued behind what it did not read: a client that is merely slow may still see why.
    this.end(subscriber, encodeEvent('status', STREAM_ENDINGS.slowConsumer));
    return true;
  }

  /** Writes `lastWords`, then ends the stream once they are sent (or after the grace period). */
  end(subscriber: SignalSubscriber, lastWords: SseFrame): void {
    if (subscriber.isClosed) return;
    subscriber.writeNow(lastWords);
    this.remove(subscriber);
    subscriber.writer.end(STREAM_END_GRACE_MS);
  }

  private remove(subscriber: SignalSubscriber): void {
    const owned = this.byOwner.get(subscriber.filter.ownerId);
    if (!owned?.delete(subscriber)) return;
    if (owned.size === 0) this.byOwner.delete(subscriber.filter.ownerId);
    subscriber.close();
    this.clients -= 1;
    this.options.metrics.signalStreamClients.set(this.clients);
  }

  private heartbeat(): void {
    const silentSince = this.now() - this.options.heartbeatMs / 2;
    for (const owned of this.byOwner.values())
      for (const subscriber of owned)
        if (subscriber.lastWriteAt <= silentSince) subscriber.writeNow(HEARTBEAT_FRAME);
  }
}
