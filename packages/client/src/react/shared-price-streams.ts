/**
 * The PriceStreams React components share: one per set of connection options, counted by the
 * components that hold it. Components with the same options (compared by value; functions such as
 * `fetch` or `auth.refresh` by identity) get the same stream, so fifty of them open one
 * connection whose symbols are the union of theirs (each holder watches its own; the stream
 * reopens once, after its debounce, when the union changes).
 *
 * A stream nobody holds is closed after `SHARED_STREAM_LINGER_MS`: React StrictMode's
 * unmount-and-mount, or a page that swaps one widget for another, picks up the same stream
 * instead of dropping its prices. Its connection does not wait for that: a stream with no
 * watched symbols ends its connection after its symbols debounce.
 */
import { PriceStream, type PriceStreamOptions } from '@tickwire/client';

/** How long a stream that no component holds is kept before it is closed (ms). */
export const SHARED_STREAM_LINGER_MS = 1_000;

/** The options of a shared stream: a PriceStream's, without `symbols` (each component brings its own). */
export type SharedStreamOptions = Omit<PriceStreamOptions, 'symbols'>;

interface SharedEntry {
  readonly stream: PriceStream;
  holders: number;
  lingerTimer: ReturnType<typeof setTimeout> | undefined;
}

/** A hold on a shared stream; `release()` is idempotent. */
export interface StreamHold {
  readonly stream: PriceStream;
  release(): void;
}

export class SharedPriceStreams {
  private readonly entries = new Map<string, SharedEntry>();

  constructor(private readonly lingerMs = SHARED_STREAM_LINGER_MS) {}

  /**
   * The stream for these options, created when there is none. A stream no one holds is closed
   * after the linger (so a render that is never committed leaves nothing behind).
   */
  get(key: string, options: SharedStreamOptions): PriceStream {
    return this.entry(key, options).stream;
  }

  /** Holds the stream for these options until `release()`. */
  hold(key: string, options: SharedStreamOptions): StreamHold {
    const entry = this.entry(key, options);
    entry.holders += 1;
    clearTimeout(entry.lingerTimer);
    entry.lingerTimer = undefined;
    let released = false;
    return {
      stream: entry.stream,
      release: () => {
        if (released) return;
        released = true;
        entry.holders -= 1;
        if (entry.holders === 0) this.linger(key, entry);
      },
    };
  }

  /** How many streams are open (held or lingering). */
  get size(): number {
    return this.entries.size;
  }

  /** Closes every stream at once, held or not (tests, and pages torn down for good). */
  closeAll(): void {
    for (const entry of this.entries.values()) {
      clearTimeout(entry.lingerTimer);
      entry.stream.close();
    }
    this.entries.clear();
  }

  private entry(key: string, options: SharedStreamOptions): SharedEntry {
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = { stream: new PriceStream(options), holders: 0, lingerTimer: undefined };
      this.entries.set(key, entry);
      this.linger(key, entry);
    }
    return entry;
  }

  private linger(key: string, entry: SharedEntry): void {
    clearTimeout(entry.lingerTimer);
    entry.lingerTimer = setTimeout(() => {
      if (entry.holders > 0 || this.entries.get(key) !== entry) return;
      this.entries.delete(key);
      entry.stream.close();
    }, this.lingerMs);
  }
}

/**
 * The key of a set of options: equal options, equal keys. Plain values compare by value (object
 * keys in any order); functions by identity, so pass the same `fetch` or `auth.refresh` on every
 * render (a module-level function, or one kept with `useCallback`).
 */
export function streamOptionsKey(options: SharedStreamOptions): string {
  return JSON.stringify(options, (_name, value: unknown) => {
    if (typeof value === 'function') return `function#${functionId(value)}`;
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      );
    return value;
  });
}

const functionIds = new WeakMap<object, number>();
let nextFunctionId = 1;

function functionId(fn: object): number {
  let id = functionIds.get(fn);
  if (id === undefined) functionIds.set(fn, (id = nextFunctionId++));
  return id;
}

/** The streams every hook of this page shares. */
export const sharedPriceStreams = new SharedPriceStreams();
