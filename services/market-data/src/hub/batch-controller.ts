/**
 * How many events a subscriber group gathers before it is written, from how busy the fan-out is.
 *
 * A socket write costs about the same whatever it carries: on loopback one `write()` of a small
 * segment is 5-7 us of kernel time (the receiver's TCP processing included), most of the 8-9 us
 * a pod spends per client write (bench/RESULTS.md). Once the flush loop cannot keep up with one
 * write per event, more events per write is the only way to keep up; waiting in the loop's own
 * backlog does that too, but without a bound and in whatever order the backlog forms. So the
 * controller watches the share of time the loop had work waiting (1.0: saturated): at or above
 * BUSY_SHARE_TO_GATHER_MORE it raises the target by one; when the share it predicts for the next
 * lower target (from the events per write it measured) is under BUSY_SHARE_TO_GATHER_LESS it
 * lowers it. A target of 1 is "write at once", what the hub does whenever it keeps up. How long
 * a group may wait to reach the target is bounded apart (SubscriberGroup.dueAt, maxLingerMs).
 */

/** Busy time and writes are summed over windows this long before the target is reconsidered (ms). */
export const BATCH_WINDOW_MS = 250;
/** Share of a window with writes waiting at which the loop counts as saturated. */
export const BUSY_SHARE_TO_GATHER_MORE = 0.9;
/** The target is lowered only if the lower one is predicted to keep the busy share under this. */
export const BUSY_SHARE_TO_GATHER_LESS = 0.7;
/** Highest target: past this the linger bound, not the target, decides anyway. */
export const MAX_BATCH_TARGET = 8;
/**
 * The target is raised again only if groups reached the current one (events per write at least
 * the target minus this): when they cannot gather more within the linger bound, a higher target
 * would only add waits to the few that can.
 */
const REACHED_TARGET_SLACK = 0.5;

export interface BatchControllerOptions {
  now(): number;
  /** Called when the target changes, with the window that decided it. */
  onChange?(change: { batchTarget: number; busyShare: number; eventsPerWrite: number }): void;
}

export class BatchController {
  private target = 1;
  private windowStart: number;
  private busyMs = 0;
  private writes = 0;
  private events = 0;

  constructor(private readonly options: BatchControllerOptions) {
    this.windowStart = options.now();
  }

  /** Events a group should gather before it is written (1: write at once). */
  get batchTarget(): number {
    return this.target;
  }

  /** The loop had writes waiting for `ms` (a slice and the turn of the event loop before it). */
  recordBusy(ms: number): void {
    const now = this.options.now();
    this.busyMs += ms;
    if (now - this.windowStart >= BATCH_WINDOW_MS) this.decide(now);
  }

  /** `writes` client writes carried `events` events. */
  recordWrites(writes: number, events: number): void {
    this.writes += writes;
    this.events += events;
  }

  private decide(now: number): void {
    const busyShare = Math.min(1, this.busyMs / (now - this.windowStart));
    const eventsPerWrite = this.writes > 0 ? this.events / this.writes : 1;
    this.windowStart = now;
    this.busyMs = 0;
    this.writes = 0;
    this.events = 0;
    const before = this.target;
    if (busyShare >= BUSY_SHARE_TO_GATHER_MORE) {
      if (this.target < MAX_BATCH_TARGET && eventsPerWrite >= this.target - REACHED_TARGET_SLACK)
        this.target += 1;
    } else if (this.target > 1) {
      // Writes scale with 1 / events per write; at the lower target a write carries at most that many.
      const lower = Math.max(1, Math.min(eventsPerWrite, this.target - 1));
      if ((busyShare * eventsPerWrite) / lower < BUSY_SHARE_TO_GATHER_LESS) this.target -= 1;
    }
    if (this.target !== before)
      this.options.onChange?.({ batchTarget: this.target, busyShare, eventsPerWrite });
  }
}
