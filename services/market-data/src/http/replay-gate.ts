/**
 * Bounds the replays in flight (each is an engine round trip) without turning a reconnect storm
 * into lost events: past the limit, a resuming client waits in line for a slot, up to a bounded
 * time and queue length, and only then gets a snapshot (`recovered: false`). A rolling restart
 * sends a third of a pod's clients to each other pod at once; a replay takes a few ms, so the
 * line drains in well under its bound.
 */
export interface ReplayGateOptions {
  /** Replays in flight at once. */
  maxInFlight: number;
  /** Clients waiting for a slot at most; one more is refused at once. */
  maxQueued: number;
  /** A client waits this long at most (ms). */
  maxWaitMs: number;
}

interface Waiter {
  grant(granted: boolean): void;
  timer: NodeJS.Timeout;
}

export class ReplayGate {
  private inFlight = 0;
  private readonly queue: Waiter[] = [];

  constructor(private readonly options: ReplayGateOptions) {}

  /** Resolves true with a slot (give it back with `release`), false when the line is full or too slow. */
  acquire(): Promise<boolean> {
    if (this.inFlight < this.options.maxInFlight) {
      this.inFlight += 1;
      return Promise.resolve(true);
    }
    if (this.queue.length >= this.options.maxQueued) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        grant: resolve,
        timer: setTimeout(() => {
          const at = this.queue.indexOf(waiter);
          if (at !== -1) this.queue.splice(at, 1);
          resolve(false);
        }, this.options.maxWaitMs),
      };
      this.queue.push(waiter);
    });
  }

  /** Hands the slot to the next client in line, or frees it. */
  release(): void {
    const next = this.queue.shift();
    if (next) {
      clearTimeout(next.timer);
      next.grant(true);
      return;
    }
    this.inFlight -= 1;
  }

  waiting(): number {
    return this.queue.length;
  }
}
