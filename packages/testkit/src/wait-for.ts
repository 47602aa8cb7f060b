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
