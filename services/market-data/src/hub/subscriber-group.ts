/**
 * Subscribers with the same subscription (same symbols, same throttle). Whatever changed for
 * them since the last flush is the same byte string for all of them, so the group collects the
 * encoded events and joins them into one frame per flush: built once, written to every member.
 * A group never holds more than `maxPendingBytes` of events: past that (the hub fell behind) it
 * keeps only the latest event per key, like a slow client. A throttled group always does, and
 * is flushed at most once per `throttleMs` (the FanoutQueue asks `readyAt`).
 */
import { SseFrame } from './sse-frame';
import type { SseClient } from './sse-client';

/** One encoded event waiting for a flush. Shared by the group and any member that holds it. */
export interface PendingEvent {
  /** What conflation keeps one of: the symbol for ticks, `#status` for status events. */
  key: string;
  /** The SSE id (a stream position), when the event has one. */
  id: string | undefined;
  frame: SseFrame;
  /** The hub's sequence number of the batch (or broadcast) that produced it. */
  seq: number;
  /** When the hub queued it (ms). */
  at: number;
}

/** The frame of one flush and the events in it, in order. */
export interface GroupFlush {
  frame: SseFrame;
  events: readonly PendingEvent[];
  /** Of the events, how many are status events (the rest are ticks). */
  statuses: number;
}

/** The conflation key of status events: a slow client only needs the newest. */
export const STATUS_KEY = '#status';

export class SubscriberGroup {
  readonly members = new Set<SseClient>();
  /** When the group last flushed (ms). */
  private lastFlushAt = -Infinity;
  private pending: PendingEvent[] = [];
  private pendingBytes = 0;
  private latest: Map<string, PendingEvent> | undefined;

  constructor(
    /** The subscription, as a map key: sorted symbols and the throttle. */
    readonly key: string,
    readonly symbols: ReadonlySet<string>,
    readonly throttleMs: number,
    private readonly maxPendingBytes: number,
    private readonly onConflated: (events: number) => void,
  ) {}

  /** The key of a subscription: the same for the same symbols in any order. */
  static keyOf(symbols: ReadonlySet<string>, throttleMs: number): string {
    return `${[...symbols].sort().join(',')}|${throttleMs}`;
  }

  add(event: PendingEvent): void {
    if (this.latest !== undefined) {
      this.conflate(event);
      return;
    }
    this.pending.push(event);
    this.pendingBytes += event.frame.identity.length;
    if (this.throttleMs > 0 || this.pendingBytes > this.maxPendingBytes) {
      const pending = this.pending;
      this.pending = [];
      this.pendingBytes = 0;
      this.latest = new Map();
      for (const queued of pending) this.conflate(queued);
    }
  }

  hasPending(): boolean {
    return this.pending.length > 0 || (this.latest?.size ?? 0) > 0;
  }

  /** When the group may flush again (ms): `intervalMs` after its last flush, or its throttle. */
  readyAt(intervalMs: number): number {
    return this.lastFlushAt + Math.max(intervalMs, this.throttleMs);
  }

  /** Takes what is pending as one frame, or undefined when nothing is. */
  take(now: number): GroupFlush | undefined {
    if (!this.hasPending()) return undefined;
    const events = this.latest ? [...this.latest.values()] : this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    this.latest = undefined;
    this.lastFlushAt = now;
    let statuses = 0;
    for (const event of events) if (event.key === STATUS_KEY) statuses += 1;
    return { frame: SseFrame.join(events.map((event) => event.frame)), events, statuses };
  }

  private conflate(event: PendingEvent): void {
    const latest = this.latest!;
    // Delete first so iteration order follows the latest update and ids stay ascending.
    if (latest.delete(event.key)) this.onConflated(this.members.size);
    latest.set(event.key, event);
  }
}
