/**
 * A small typed event emitter that runs in browsers and Node alike. A listener that throws does
 * not keep the others from running, nor break the stream that emitted: its error is rethrown
 * on a later turn, where the platform reports it (the console, or Node's uncaughtException).
 */

/** Rethrows `error` outside the caller's stack. */
export function reportLater(error: unknown): void {
  setTimeout(() => {
    throw error;
  }, 0);
}

/** Calls each listener with `event`, each on its own. */
export function callEach<E>(listeners: Iterable<(event: E) => void>, event: E): void {
  for (const listener of [...listeners]) {
    try {
      listener(event);
    } catch (error) {
      reportLater(error);
    }
  }
}

export class Emitter<Events> {
  private readonly listeners = new Map<keyof Events, Set<(event: never) => void>>();

  /** Calls `listener` for each `type` event; returns the function that stops it. */
  on<K extends keyof Events>(type: K, listener: (event: Events[K]) => void): () => void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  emit<K extends keyof Events>(type: K, event: Events[K]): void {
    const set = this.listeners.get(type) as Set<(event: Events[K]) => void> | undefined;
    if (set) callEach(set, event);
  }

  has(type: keyof Events): boolean {
    return (this.listeners.get(type)?.size ?? 0) > 0;
  }

  clear(): void {
    this.listeners.clear();
  }
}
