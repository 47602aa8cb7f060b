/**
 * Stream ids in the Redis stream format, `<ms>-<seq>`, used by both engines so that an SSE
 * client's Last-Event-ID means the same thing whichever engine served it.
 */

const STREAM_ID_RE = /^(\d{1,16})-(\d{1,16})$/;

export interface StreamId {
  ms: bigint;
  seq: bigint;
}

/** Parses `<ms>-<seq>`; undefined for anything else (a client may send garbage as Last-Event-ID). */
export function parseStreamId(id: string): StreamId | undefined {
  const match = STREAM_ID_RE.exec(id);
  if (!match) return undefined;
  return { ms: BigInt(match[1]!), seq: BigInt(match[2]!) };
}

/** Orders two parsed ids: negative, zero or positive like a comparator. */
export function compareStreamIds(a: StreamId, b: StreamId): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  return 0;
}

/** Generates ids the way Redis XADD `*` does: ms time, a sequence within the same ms, never going back. */
export class StreamIdGenerator {
  private lastMs = 0;
  private seq = 0;

  next(nowMs: number): string {
    if (nowMs > this.lastMs) {
      this.lastMs = nowMs;
      this.seq = 0;
    } else {
      this.seq += 1;
    }
    return `${this.lastMs}-${this.seq}`;
  }
}
