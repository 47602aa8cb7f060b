/**
 * How long this process's event loop was held up while a test measured something: busy, or
 * waiting for a CPU on a loaded machine. Code driven by timers and sockets can be no more punctual
 * than the loop that runs it, so an upper time bound adds this: it holds the code to its own
 * schedule, and on an idle machine (nothing held up) it is as strict as the bare number.
 */
import { performance } from 'node:perf_hooks';

/** How often the loop is sampled (ms); a hold-up shorter than this is not seen. */
const SAMPLE_INTERVAL_MS = 10;

export interface EventLoopStalls {
  /** Total time (ms) the loop ran late since the watch started, summed over every hold-up. */
  stalledMs(): number;
  /** Ends the watch; stalledMs() then reports the watched period. Idempotent. */
  stop(): void;
}

/** Starts watching the event loop; stop it in `finally`. */
export function watchEventLoopStalls(): EventLoopStalls {
  let stalled = 0;
  let lastTick = performance.now();
  let stoppedAt: number | undefined;
  const lateBy = (now: number) => Math.max(0, now - lastTick - SAMPLE_INTERVAL_MS);
  const timer = setInterval(() => {
    const now = performance.now();
    stalled += lateBy(now);
    lastTick = now;
  }, SAMPLE_INTERVAL_MS);
  timer.unref();
  return {
    // A hold-up still running counts too: the tick it delays has not run yet.
    stalledMs: () => stalled + lateBy(stoppedAt ?? performance.now()),
    stop: () => {
      if (stoppedAt !== undefined) return;
      stoppedAt = performance.now();
      clearInterval(timer);
    },
  };
}
