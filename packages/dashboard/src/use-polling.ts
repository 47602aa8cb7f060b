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
 * once, and a late answer for an old key is dropped. An error `isFinal` calls final (an answer
 * that asking again cannot change, such as a 404) ends the polling until the key changes.
 */
export function usePolling<T>(
  load: (() => Promise<T>) | undefined,
  intervalMs: number,
  key: string,
  isFinal?: (error: Error) => boolean,
): Polled<T> {
  const [state, setState] = useState<Polled<T> & { key: string }>({ ...NOTHING, key });
  useEffect(() => {
    if (load === undefined) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      let final = false;
      try {
        const data = await load();
        if (!stopped) setState({ data, error: undefined, at: Date.now(), key });
      } catch (caught) {
        const error = caught instanceof Error ? caught : new Error(String(caught));
        final = isFinal?.(error) ?? false;
        if (!stopped)
          setState((previous) => ({ ...(previous.key === key ? previous : NOTHING), error, key }));
      }
      if (!stopped && !final) timer = setTimeout(() => void poll(), intervalMs);
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
