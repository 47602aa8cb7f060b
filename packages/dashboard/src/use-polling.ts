/**
 * A REST resource read again every `intervalMs` while the component is mounted: the last answer,
 * the last error (cleared by the next answer), and when the last answer came.
 */
import { useEffect, useState } from 'react';

export interface Polled<T> {
  readonly data: T | undefined;
  readonly error: Error | undefined;
  /** When `data` came (ms since the epoch). */
  readonly at: number | undefined;
}

const NOTHING: Polled<never> = { data: undefined, error: undefined, at: undefined };

/**
 * Polls `load` (none while it is undefined). `key` names what is loaded: a new key starts over at
 * once, and a late answer for an old key is dropped.
 */
export function usePolling<T>(
  load: (() => Promise<T>) | undefined,
  intervalMs: number,
  key: string,
): Polled<T> {
  const [state, setState] = useState<Polled<T> & { key: string }>({ ...NOTHING, key });
  useEffect(() => {
    if (load === undefined) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const data = await load();
        if (!stopped) setState({ data, error: undefined, at: Date.now(), key });
      } catch (error) {
        if (!stopped)
          setState((previous) => ({
            ...(previous.key === key ? previous : NOTHING),
            error: error instanceof Error ? error : new Error(String(error)),
            key,
          }));
      }
      if (!stopped) timer = setTimeout(() => void poll(), intervalMs);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
    // `key` stands for `load`: a new function with the same key is the same resource.
  }, [key, intervalMs, load === undefined]);
  return state.key === key ? state : NOTHING;
}
