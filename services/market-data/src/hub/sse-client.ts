/**
 * One SSE subscriber. On the fast path a flush hands it the frame its group built once and it
 * writes those bytes: no allocation, no copy. It keeps events itself instead (references to the
 * shared frames, in order) while a replay is being written (paused) and while its socket is
 * backed up, i.e. while Node holds bytes the kernel did not take: then Node's queue never grows
 * past one write, and the kept events go out as one write when the socket drains. Past
 * `maxBufferBytes` kept (plus unsent) it keeps only the latest event per symbol, so memory stays
 * bounded whatever the client does, and it counts as stuck: the hub cuts it if that lasts. Events
 * its snapshot already holds (the flush right after it subscribed) are skipped, and so are events
 * its replay already carried: the replay reads the stream in Redis, which this pod's hub may not
 * have caught up with yet, so such an event can still arrive live after the replay was written.
 */
import { compareEventPositions, parseEventId, type EventPosition } from '@tickwire/cluster';
import { SseFrame, type SseWriter } from '@tickwire/service';
import type { PendingEvent, SubscriberGroup } from './subscriber-group';

export interface SseClientOptions {
  maxBufferBytes: number;
  onConflated(events: number): void;
  now(): number;
}

export class SseClient {
  /** When the client went over its buffer limit (ms), undefined while it keeps up. */
  stuckSince: number | undefined;
  /** When bytes were last written to it (ms): heartbeats go only to silent clients. */
  lastWriteAt: number;
  private paused = false;
  private closed = false;
  private waitingForDrain = false;
  /** Events kept while paused or backed up, in order (undefined: none). */
  private kept: PendingEvent[] | undefined;
  private keptBytes = 0;
  /** Latest event per key once over the limit, in the order of their last update. */
  private latest: Map<string, PendingEvent> | undefined;
  /** Stream position its replay (or snapshot) reached; cleared by the first newer event. */
  private replayedUpTo: EventPosition | undefined;

  constructor(
    readonly writer: SseWriter,
    readonly group: SubscriberGroup,
    /** Events up to this hub sequence are in the client's snapshot (or replay) already. */
    private readonly coveredSeq: number,
    private readonly options: SseClientOptions,
  ) {
    this.lastWriteAt = options.now();
  }

  get symbols(): ReadonlySet<string> {
    return this.group.symbols;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Writes at once, bypassing what is kept (stream preamble, status on cut, heartbeats). */
  writeNow(frame: SseFrame): void {
    if (this.closed) return;
    this.writer.write(frame);
    this.lastWriteAt = this.options.now();
  }

  /**
   * The hot path: `frame` holds `events` (all newer than anything sent before). Returns the
   * number of events written now (the rest are kept, conflated or were covered).
   */
  deliver(frame: SseFrame, events: readonly PendingEvent[], now: number): number {
    if (this.closed) return 0;
    if (
      !this.paused &&
      this.kept === undefined &&
      this.latest === undefined &&
      this.replayedUpTo === undefined &&
      events[0]!.seq > this.coveredSeq &&
      this.writer.bufferedBytes() === 0
    ) {
      this.writer.write(frame);
      this.lastWriteAt = now;
      return frame.events;
    }
    return this.deliverEach(events, now);
  }

  /** Keeps events back while a replay is written; `resume` sends what came meanwhile. */
  pause(): void {
    this.paused = true;
  }

  /** Sends what was kept while paused, except events at or before `replayedUpTo` (already sent). */
  resume(replayedUpTo: string | undefined): void {
    if (!this.paused) return;
    this.paused = false;
    this.replayedUpTo = replayedUpTo === undefined ? undefined : parseEventId(replayedUpTo);
    if (this.kept) {
      this.kept = this.withoutReplayed(this.kept);
      this.keptBytes = this.kept.reduce((bytes, event) => bytes + event.frame.identity.length, 0);
    }
    if (this.latest)
      this.latest = new Map(this.withoutReplayed([...this.latest.values()]).map((e) => [e.key, e]));
    this.sendKept(this.options.now());
  }

  close(): void {
    this.closed = true;
    this.kept = undefined;
    this.keptBytes = 0;
    this.latest = undefined;
  }

  /** The slow path, one event at a time: skip covered, keep while paused or backed up. */
  private deliverEach(events: readonly PendingEvent[], now: number): number {
    let fresh = events;
    if (events.length > 0 && events[0]!.seq <= this.coveredSeq) {
      const covered = this.coveredSeq;
      fresh = events.filter((event) => event.seq > covered);
    }
    fresh = this.withoutReplayed(fresh);
    if (fresh.length === 0) return 0;
    const backedUp = this.writer.bufferedBytes() > 0;
    if (!this.paused && !backedUp && this.kept === undefined && this.latest === undefined) {
      this.writer.write(SseFrame.join(fresh.map((event) => event.frame)));
      this.lastWriteAt = now;
      return fresh.length;
    }
    this.keep(fresh, now);
    if (!this.paused && !backedUp) this.sendKept(now);
    return 0;
  }

  /**
   * `events` without those at or before the replayed position (events without an id always pass).
   * Event ids only go up, so once an event past it is seen, nothing is skipped again.
   */
  private withoutReplayed(events: readonly PendingEvent[]): PendingEvent[] {
    const limit = this.replayedUpTo;
    if (limit === undefined) return events as PendingEvent[];
    const fresh = events.filter((event) => {
      const position = event.id === undefined ? undefined : parseEventId(event.id);
      return position === undefined || compareEventPositions(position, limit) > 0;
    });
    if (fresh.some((event) => event.id !== undefined)) this.replayedUpTo = undefined;
    return fresh;
  }

  private keep(events: readonly PendingEvent[], now: number): void {
    if (this.latest === undefined) {
      const kept = (this.kept ??= []);
      for (const event of events) {
        kept.push(event);
        this.keptBytes += event.frame.identity.length;
      }
      if (this.keptBytes + this.writer.bufferedBytes() <= this.options.maxBufferBytes) {
        this.awaitDrain();
        return;
      }
      // Over the limit: from here on only the latest event per key is kept.
      this.latest = new Map();
      this.stuckSince ??= now;
      events = kept;
      this.kept = undefined;
      this.keptBytes = 0;
    }
    let replaced = 0;
    for (const event of events) {
      // Delete first so iteration order follows the latest update and ids stay ascending.
      if (this.latest.delete(event.key)) replaced += 1;
      this.latest.set(event.key, event);
    }
    if (replaced > 0) this.options.onConflated(replaced);
    this.awaitDrain();
  }

  private awaitDrain(): void {
    if (this.waitingForDrain || this.paused || this.writer.bufferedBytes() === 0) return;
    this.waitingForDrain = true;
    this.writer.onceDrained(() => {
      this.waitingForDrain = false;
      this.sendKept(this.options.now());
    });
  }

  /** Writes everything kept as one frame, unless paused or the socket is still backed up. */
  private sendKept(now: number): void {
    if (this.closed || this.paused) return;
    if (this.writer.bufferedBytes() > 0) {
      this.awaitDrain();
      return;
    }
    const events = this.latest ? [...this.latest.values()] : this.kept;
    this.kept = undefined;
    this.keptBytes = 0;
    this.latest = undefined;
    this.stuckSince = undefined;
    if (events === undefined || events.length === 0) return;
    this.writer.write(SseFrame.join(events.map((event) => event.frame)));
    this.lastWriteAt = now;
  }
}
