/** Thrown from a probe to stop waiting at once (the awaited thing can no longer happen). */
export class WaitAborted extends Error {}

/** Polls until a condition holds; every wait in tests is bounded. */
export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  options: { timeoutMs: number; intervalMs?: number; what?: string },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      if (error instanceof WaitAborted) throw error;
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(
        `timed out after ${options.timeoutMs} ms waiting for ${options.what ?? 'condition'}${cause}`,
      );
    }
    await sleep(options.intervalMs ?? 25);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const MINUTE_MS = 60_000;

/**
 * Waits, when needed, until the clock is between `fromMs` and `toMs` into a minute. Tests whose
 * expectations hold only while no 1m candle closes (a minute's close moves the window of
 * candles a series should hold) start there, leaving themselves `60 s - toMs` at least.
 */
export async function waitUntilIntoMinute(fromMs: number, toMs: number): Promise<void> {
  const into = Date.now() % MINUTE_MS;
  if (into < fromMs || into > toMs) await sleep((MINUTE_MS + fromMs - into) % MINUTE_MS);
}
