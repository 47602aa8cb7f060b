/**
 * Runs the hub's fan-out in slices: each slice does at most `writesPerSlice` client writes, then
 * yields to the event loop (setImmediate), so incoming ticks, new connections and timers are never
 * starved by a fan-out to 10,000 sockets. The loop sleeps when there is nothing to write and
 * wakes when the hub has news, or at the time the work it deferred becomes due. It reports how
 * long it had work waiting (the slices and the turns of the event loop between them), which is
 * how the hub tells that it is saturated (BatchController).
 */

/** The result of one slice. */
export interface SliceResult {
  /** More work is ready now: run another slice after yielding. */
  more: boolean;
  /** When deferred work becomes due (ms, on the `now` clock), if any. */
  wakeAt: number | undefined;
}

export interface FlushLoopOptions {
  writesPerSlice: number;
  /** Does up to `budget` writes of what is due at `now`. */
  slice(budget: number, now: number): SliceResult;
  now(): number;
  /** The loop had work waiting for `ms` more (reported after every slice). */
  onBusy?(ms: number): void;
}

export class FlushLoop {
  private immediate: NodeJS.Immediate | undefined;
  private wakeTimer: { at: number; timer: NodeJS.Timeout } | undefined;
  private stopped = false;
  /** End of the last slice, while more work was waiting after it (ms). */
  private busySince: number | undefined;

  constructor(private readonly options: FlushLoopOptions) {}

  /** The hub has news: run a slice on the next turn of the event loop. */
  wake(): void {
    if (this.stopped || this.immediate !== undefined) return;
    this.immediate = setImmediate(() => this.run());
  }

  stop(): void {
    this.stopped = true;
    clearImmediate(this.immediate);
    this.immediate = undefined;
    this.clearWakeTimer();
  }

  private run(): void {
    this.immediate = undefined;
    const start = this.options.now();
    const { more, wakeAt } = this.options.slice(this.options.writesPerSlice, start);
    if (this.options.onBusy) {
      const end = this.options.now();
      // A slice that leaves work behind keeps the loop busy until the next one starts.
      this.options.onBusy(end - (this.busySince ?? start));
      this.busySince = more ? end : undefined;
    }
    if (more) {
      this.wake();
      return;
    }
    if (wakeAt !== undefined) this.wakeAt(wakeAt);
  }

  private wakeAt(at: number): void {
    if (this.stopped || (this.wakeTimer !== undefined && this.wakeTimer.at <= at)) return;
    this.clearWakeTimer();
    const timer = setTimeout(
      () => {
        this.wakeTimer = undefined;
        this.wake();
      },
      Math.max(0, at - this.options.now()),
    );
    this.wakeTimer = { at, timer };
  }

  private clearWakeTimer(): void {
    if (this.wakeTimer) clearTimeout(this.wakeTimer.timer);
    this.wakeTimer = undefined;
  }
}
