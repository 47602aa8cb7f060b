/**
 * One SSE subscriber's write side. Events queue between flushes and go out as one write.
 * When the socket stops draining (unsent bytes above the limit) the client is conflated:
 * only the latest event per symbol is kept, so memory stays bounded whatever the client does;
 * a client that stays stuck is cut by the hub. A `throttle` client is always conflated and
 * flushed on its own timer.
 */
import type { ServerResponse } from 'node:http';
import { compareStreamIds, parseStreamId } from '@tickwire/cluster';

export interface SseClientOptions {
  symbols: ReadonlySet<string>;
  /** 0 = every event as it comes; otherwise latest value per symbol every `throttleMs`. */
  throttleMs: number;
  maxBufferBytes: number;
  onWrite(bytes: number, events: number): void;
  onConflated(events: number): void;
}

interface QueuedEvent {
  /** Symbol for ticks, `#status` for status events: what conflation keeps one of. */
  key: string;
  id: string | undefined;
  bytes: Buffer;
}

export class SseClient {
  readonly symbols: ReadonlySet<string>;
  /** When the client went over its buffer limit (ms), undefined while it keeps up. */
  stuckSince: number | undefined;
  private queue: QueuedEvent[] = [];
  /** Latest event per key, in the order of their last update, while conflating. */
  private readonly conflated = new Map<string, QueuedEvent>();
  private paused = false;
  private closed = false;
  private throttleTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly response: ServerResponse,
    private readonly options: SseClientOptions,
  ) {
    this.symbols = options.symbols;
    response.on('drain', () => this.flush());
    if (options.throttleMs > 0) {
      this.throttleTimer = setInterval(() => this.flushConflated(), options.throttleMs);
    }
  }

  /** Holds events back (while a replay is written); `resume` sends what queued meanwhile. */
  pause(): void {
    this.paused = true;
  }

  /** Sends events queued while paused, dropping those at or before `replayedUpTo` (already sent). */
  resume(replayedUpTo: string | undefined): void {
    this.paused = false;
    const limit = replayedUpTo === undefined ? undefined : parseStreamId(replayedUpTo);
    if (limit) {
      this.queue = this.queue.filter((event) => {
        const position = event.id === undefined ? undefined : parseStreamId(event.id);
        return !position || compareStreamIds(position, limit) > 0;
      });
    }
    this.flush();
  }

  enqueue(key: string, bytes: Buffer, id?: string): void {
    if (this.closed) return;
    const event = { key, id, bytes };
    if (this.options.throttleMs > 0 || this.stuckSince !== undefined) this.conflate(event);
    else this.queue.push(event);
  }

  /** Writes immediately, bypassing queue and conflation (stream preamble, heartbeats). */
  writeNow(bytes: Buffer, events = 1): void {
    if (this.closed) return;
    this.response.write(bytes);
    this.options.onWrite(bytes.length, events);
  }

  /** One write for everything queued; conflates instead when the socket is backed up. */
  flush(now = Date.now()): void {
    if (this.closed || this.paused) return;
    if (this.response.writableLength > this.options.maxBufferBytes) {
      this.stuckSince ??= now;
      for (const event of this.queue) this.conflate(event);
      this.queue = [];
      return;
    }
    if (this.stuckSince !== undefined) {
      this.stuckSince = undefined;
      if (this.options.throttleMs === 0) this.flushConflated();
    }
    this.writeEvents(this.queue);
    this.queue = [];
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.throttleTimer);
    this.queue = [];
    this.conflated.clear();
  }

  private conflate(event: QueuedEvent): void {
    // Delete first so iteration order follows the latest update and ids stay ascending.
    if (this.conflated.delete(event.key)) this.options.onConflated(1);
    this.conflated.set(event.key, event);
  }

  private flushConflated(): void {
    if (this.closed || this.paused || this.conflated.size === 0) return;
    if (this.response.writableLength > this.options.maxBufferBytes) return;
    const events = [...this.conflated.values()];
    this.conflated.clear();
    this.writeEvents(events);
  }

  private writeEvents(events: QueuedEvent[]): void {
    if (events.length === 0) return;
    const bytes = events.length === 1 ? events[0]!.bytes : Buffer.concat(events.map((event) => event.bytes));
    this.response.write(bytes);
    this.options.onWrite(bytes.length, events.length);
  }
}
