/**
 * The last body of each URL with its entity tag, so a repeated request sends `If-None-Match`
 * and a `304 Not Modified` costs the pod no body and the caller no parsing: it gets the very
 * object it got last time. Bounded: the least recently used URL goes first.
 */

export interface Tagged<T> {
  etag: string;
  value: T;
}

export class EtagCache {
  private readonly entries = new Map<string, Tagged<unknown>>();

  constructor(private readonly maxEntries: number) {}

  get(url: string): Tagged<unknown> | undefined {
    const entry = this.entries.get(url);
    if (entry) {
      // Map keeps insertion order: re-inserting marks it the most recently used.
      this.entries.delete(url);
      this.entries.set(url, entry);
    }
    return entry;
  }

  set(url: string, entry: Tagged<unknown>): void {
    this.entries.delete(url);
    this.entries.set(url, entry);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}
