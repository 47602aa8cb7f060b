/**
 * Subscribers with the same subscription (same symbols, same throttle). Whatever changed for
 * them since the last flush is the same byte string for all of them, so the group collects the
 * encoded events and joins them into one frame per flush: built once, written to every member.
 * A group never holds more than `maxPendingBytes` of events: past that (the hub fell behind) it
 * keeps only the latest event per key, like a slow client. A throttled group always does, and
 * is flushed at most once per `throttleMs`. While the hub is saturated an unthrottled group also
 * gathers a few events per write, within a bound (the FanoutQueue asks `dueAt`).
 */
import { SseFrame } from '@tickwire/service';
import type { SseClient } from './sse-client';

/** One encoded event waiting for a flush. Shared by the group and any member that holds it. */
export interface PendingEvent {
  /**
   * What conflation keeps one of: the symbol for ticks, `#status` for status events, and
   * `#candle <interval> <symbol>` for candle closes.
   */
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
/** Weight of the newest gap in a group's running average of the time between its events. */
const SPACING_WEIGHT = 0.2;
/**
 * A group gathering events waits up to this many times its usual pace for them (bounded by
 * maxLingerMs): the count, not the clock, normally ends the wait; this covers a pace that slows.
 */
const LINGER_PACE_SLACK = 1.25;
/**
 * A group waits for more events only if its pace brings them within this share of maxLingerMs:
 * a pace just under the bound, plus some jitter, would make it wait the whole bound for nothing.
 */
const LINGER_PACE_MARGIN = 0.9;

export class SubscriberGroup {
  readonly members = new Set<SseClient>();
  /** When the group last flushed (ms). */
  private lastFlushAt = -Infinity;
  private pending: PendingEvent[] = [];
  private pendingBytes = 0;
  private latest: Map<string, PendingEvent> | undefined;
  /** When the oldest pending event was queued (ms). */
  private firstPendingAt = 0;
  private lastEventAt: number | undefined;
  /** Running average of the time between two events (ms); NaN until two were seen. */
  private spacingMs = NaN;
  /** Events added since the group was created. */
  private received = 0;

  constructor(
    /** The subscription, as a map key: sorted symbols and the throttle. */
    readonly key: string,
    readonly symbols: ReadonlySet<string>,
    readonly throttleMs: number,
    private readonly maxPendingBytes: number,
    private readonly onConflated: (events: number) => void,
    /**
     * Which turn the group takes among the groups of the same subscription while they gather
     * events: see `dueAt`. The hub numbers them in order of creation.
     */
    readonly phase = 0,
    /** The candle intervals whose closes the members asked for (`candles=1m,1h`). */
    readonly candleIntervals: ReadonlySet<string> = new Set(),
  ) {}

  /** The key of a subscription: the same for the same symbols (and intervals) in any order. */
  static keyOf(
    symbols: ReadonlySet<string>,
    throttleMs: number,
    candleIntervals: ReadonlySet<string> = new Set(),
  ): string {
    const key = `${[...symbols].sort().join(',')}|${throttleMs}`;
    return candleIntervals.size === 0 ? key : `${key}|${[...candleIntervals].sort().join(',')}`;
  }

  add(event: PendingEvent): void {
    if (!this.hasPending()) this.firstPendingAt = event.at;
    if (this.lastEventAt !== undefined) {
      const gap = Math.max(0, event.at - this.lastEventAt);
      this.spacingMs = Number.isNaN(this.spacingMs)
        ? gap
        : this.spacingMs + SPACING_WEIGHT * (gap - this.spacingMs);
    }
    this.lastEventAt = event.at;
    this.received += 1;
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
    return this.pendingCount() > 0;
  }

  /** Events waiting for the next flush. */
  pendingCount(): number {
    return this.latest !== undefined ? this.latest.size : this.pending.length;
  }

  /** When the group may flush again (ms): `intervalMs` after its last flush, or its throttle. */
  readyAt(intervalMs: number): number {
    return this.lastFlushAt + Math.max(intervalMs, this.throttleMs);
  }

  /**
   * When the group is due (ms): `readyAt`, and while the hub is saturated (`batchTarget` > 1) not
   * before it holds `batchTarget` events, or as many as its own pace brings within `maxLingerMs`
   * if that is fewer; the wait ends when they are there, or when they should have been (with some
   * slack, never past `maxLingerMs`) if the pace slowed. A group whose pace brings no second event
   * within the bound does not wait at all: waiting would add latency and save no write. Throttled
   * groups already gather per period.
   *
   * Groups of the same subscription (the hub splits a large one) take turns: a group is also due
   * after every n-th event it received, counted from its `phase`, so with n = 2 half of them write
   * after each event instead of all of them after every other one. Each still writes n events at
   * a time, but the writes, and the clients' reads, come in bursts half as large.
   */
  dueAt(intervalMs: number, batchTarget: number, maxLingerMs: number): number {
    const ready = this.readyAt(intervalMs);
    if (batchTarget <= 1 || this.throttleMs > 0) return ready;
    // NaN (pace not known yet) compares false everywhere below: no wait.
    const reachable = 1 + Math.floor((maxLingerMs * LINGER_PACE_MARGIN) / this.spacingMs);
    const wanted = Math.min(batchTarget, reachable);
    const count = this.pendingCount();
    if (!(wanted > count) || count === 0 || (this.received + this.phase) % wanted === 0) return ready;
    const lingerMs = Math.min(maxLingerMs, (wanted - 1) * this.spacingMs * LINGER_PACE_SLACK);
    return Math.max(ready, this.firstPendingAt + lingerMs);
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
