/**
 * The order in which groups are written. A group with news joins the back of the queue once; when
 * its turn comes it takes what is pending *then* (news that arrived while it waited rides along)
 * and its frame is handed to each member in turn, possibly across several slices. A group is
 * flushed at most once per `intervalMs` (its throttle, for a throttled group): a burst of batches
 * reaches a client as one write. Under load the queue is longer, each group waits longer, takes
 * more events per flush, and the writes per event fall: the hub degrades by batching more per
 * write, not by queueing more, and a client waits at most about one pass over the queue.
 */
import type { SliceResult } from './flush-loop';
import type { SseClient } from './sse-client';
import type { GroupFlush, SubscriberGroup } from './subscriber-group';

/** What was written, reported once per slice (one metric update per slice, not per client). */
export interface WriteTally {
  ticks: number;
  statuses: number;
  bytes: number;
}

export class FanoutQueue {
  private ready: SubscriberGroup[] = [];
  private readonly deferred = new Set<SubscriberGroup>();
  private queued = new Set<SubscriberGroup>();
  private current: { flush: GroupFlush; members: Iterator<SseClient> } | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly onWritten: (tally: WriteTally) => void,
    /** Called per group flush with how long its oldest event waited (ms). */
    private readonly onTake: (waitedMs: number) => void,
  ) {}

  /** `group` has pending events. */
  add(group: SubscriberGroup): void {
    if (this.queued.has(group)) return;
    this.queued.add(group);
    this.ready.push(group);
  }

  /** Forgets a group that lost its last member. */
  delete(group: SubscriberGroup): void {
    if (!this.queued.delete(group)) return;
    this.deferred.delete(group);
    this.ready = this.ready.filter((queued) => queued !== group);
  }

  /** Up to `budget` client writes of what is due at `now`; `force` ignores intervals (shutdown). */
  slice(budget: number, now: number, force = false): SliceResult {
    const tally: WriteTally = { ticks: 0, statuses: 0, bytes: 0 };
    let writes = 0;
    let index = 0;
    while (writes < budget) {
      if (this.current === undefined) {
        const group = this.ready[index];
        if (group === undefined) break;
        index += 1;
        if (!force && now < group.readyAt(this.intervalMs)) {
          this.deferred.add(group);
          continue;
        }
        this.queued.delete(group);
        const flush = group.take(now);
        if (flush === undefined) continue;
        this.onTake(now - flush.events[0]!.at);
        this.current = { flush, members: group.members.values() };
      }
      const { flush, members } = this.current;
      const { frame, events, statuses } = flush;
      let next = members.next();
      for (; !next.done; next = members.next()) {
        const written = next.value.deliver(frame, events, now);
        if (written === frame.events) {
          tally.ticks += frame.events - statuses;
          tally.statuses += statuses;
          tally.bytes += frame.chunked.length;
        } else if (written > 0) {
          tally.ticks += written;
        }
        writes += 1;
        if (writes >= budget) break;
      }
      if (next.done) this.current = undefined;
    }
    this.ready = this.ready.slice(index);
    this.onWritten(tally);
    if (this.ready.length === 0 && this.deferred.size > 0) {
      // Deferred groups wait in the queue again; the loop comes back when the first is due.
      let wakeAt = Infinity;
      for (const group of this.deferred) wakeAt = Math.min(wakeAt, group.readyAt(this.intervalMs));
      this.ready = [...this.deferred];
      this.deferred.clear();
      return { more: false, wakeAt };
    }
    return { more: this.current !== undefined || this.ready.length > 0, wakeAt: undefined };
  }
}
