/**
 * The order in which groups are written. A group with news joins the back of the queue once; when
 * its turn comes it takes what is pending *then* (news that arrived while it waited rides along)
 * and its frame is handed to each member in turn, possibly across several slices. A group is
 * flushed at most once per `intervalMs` (its throttle, for a throttled group): a burst of batches
 * reaches a client as one write. Under load the queue is longer, each group waits longer, takes
 * more events per flush, and the writes per event fall: the hub degrades by batching more per
 * write, not by queueing more, and a client waits at most about one pass over the queue. While
 * the hub is saturated, groups also gather `batchTarget` events per write within `maxLingerMs`
 * (BatchController, SubscriberGroup.dueAt): the same degradation, but bounded and chosen.
 */
import type { SliceResult } from './flush-loop';
import type { SseClient } from './sse-client';
import type { GroupFlush, SubscriberGroup } from './subscriber-group';

/** What was written, reported once per slice (one metric update per slice, not per client). */
export interface WriteTally {
  /** Client writes (or attempts: a backed-up client keeps the events instead). */
  writes: number;
  ticks: number;
  statuses: number;
  bytes: number;
}

export interface FanoutQueueOptions {
  /** Least time between two flushes of one group (ms). */
  intervalMs: number;
  /** Longest a group waits to gather `batchTarget` events (ms). */
  maxLingerMs: number;
  /** Events a group gathers before it is written (1: at once); read once per slice. */
  batchTarget(): number;
  onWritten(tally: WriteTally): void;
  /** Called per group flush with how long its oldest event waited (ms). */
  onTake(waitedMs: number): void;
}

export class FanoutQueue {
  /** Groups with pending events, in turn order (those not due yet stay where they are). */
  private ready: SubscriberGroup[] = [];
  private queued = new Set<SubscriberGroup>();
  private current: { flush: GroupFlush; members: Iterator<SseClient> } | undefined;

  constructor(private readonly options: FanoutQueueOptions) {}

  /** `group` has pending events. */
  add(group: SubscriberGroup): void {
    if (this.queued.has(group)) return;
    this.queued.add(group);
    this.ready.push(group);
  }

  /** Forgets a group that lost its last member. */
  delete(group: SubscriberGroup): void {
    if (!this.queued.delete(group)) return;
    this.ready = this.ready.filter((queued) => queued !== group);
  }

  /** Up to `budget` client writes of what is due at `now`; `force` ignores intervals (shutdown). */
  slice(budget: number, now: number, force = false): SliceResult {
    const { intervalMs, maxLingerMs } = this.options;
    const batchTarget = force ? 1 : this.options.batchTarget();
    const tally: WriteTally = { writes: 0, ticks: 0, statuses: 0, bytes: 0 };
    /** Groups passed over because they are not due yet: looked at again by every slice. */
    const notDue: SubscriberGroup[] = [];
    let writes = 0;
    let index = 0;
    while (writes < budget) {
      if (this.current === undefined) {
        const group = this.ready[index];
        if (group === undefined) break;
        index += 1;
        if (!force && now < group.dueAt(intervalMs, batchTarget, maxLingerMs)) {
          notDue.push(group);
          continue;
        }
        this.queued.delete(group);
        const flush = group.take(now);
        if (flush === undefined) continue;
        this.options.onTake(now - flush.events[0]!.at);
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
    const rest = this.ready.slice(index);
    // Groups not due keep their turn ahead of the rest: under load the rest is never empty, and a
    // group that became due (its events gathered, its interval passed) must not wait behind it.
    this.ready = notDue.length > 0 ? notDue.concat(rest) : rest;
    tally.writes = writes;
    this.options.onWritten(tally);
    if (this.current === undefined && rest.length === 0 && notDue.length > 0) {
      // Only groups that are not due: the loop comes back when the first is (or on news).
      let wakeAt = Infinity;
      for (const group of notDue)
        wakeAt = Math.min(wakeAt, group.dueAt(intervalMs, batchTarget, maxLingerMs));
      return { more: false, wakeAt };
    }
    return { more: this.current !== undefined || rest.length > 0, wakeAt: undefined };
  }
}
