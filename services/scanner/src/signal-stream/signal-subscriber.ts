/**
 * One signal stream client. Live events go straight to its socket (the frame every client of the
 * owner shares). While its replay is written it is held: live events are kept (references to the
 * shared frames, in order) and, once the replay is out, the kept ones it did not carry follow it.
 * The replay reads the stream in Redis, which this replica's feed may be behind or ahead of, so
 * an event at or before the replay's end is skipped: the client has it already. Signals are never
 * conflated (each one matters), so a client that stops reading is cut instead (`isOverLimit`),
 * and resumes from the last event it read.
 */
import { compareStreamIds, parseStreamId, type StreamId } from '@tickwire/cluster';
import { SseFrame, type SseWriter } from '@tickwire/service';
import { matchesFilter, type SignalEntry, type SignalFilter } from '../signals/signal-entry';

interface KeptEvent {
  id: StreamId;
  frame: SseFrame;
}

export class SignalSubscriber {
  /** When bytes were last written (ms): heartbeats go only to silent clients. */
  lastWriteAt: number;
  private held = false;
  private kept: KeptEvent[] = [];
  private keptBytes = 0;
  /** Events up to here were in the replay; cleared by the first newer one. */
  private coveredUpTo: StreamId | undefined;
  private closed = false;

  constructor(
    readonly writer: SseWriter,
    readonly filter: SignalFilter,
    private readonly maxBufferBytes: number,
    private readonly now: () => number,
  ) {
    this.lastWriteAt = now();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  wants(entry: SignalEntry): boolean {
    return matchesFilter(entry, this.filter);
  }

  /** Writes at once, whatever is held (preamble, replay, heartbeats, last words). */
  writeNow(frame: SseFrame): void {
    if (this.closed) return;
    this.writer.write(frame);
    this.lastWriteAt = this.now();
  }

  /** A live event at `id`; returns whether it was written now (false: kept, skipped or closed). */
  deliver(id: StreamId, frame: SseFrame): boolean {
    if (this.closed) return false;
    if (this.held) {
      this.kept.push({ id, frame });
      this.keptBytes += frame.identity.length;
      return false;
    }
    if (this.coveredUpTo !== undefined) {
      if (compareStreamIds(id, this.coveredUpTo) <= 0) return false;
      this.coveredUpTo = undefined;
    }
    this.writeNow(frame);
    return true;
  }

  /** Keeps live events back while a replay is written. */
  hold(): void {
    this.held = true;
  }

  /**
   * Sends what was kept after `coveredUpTo` (where the replay ended; undefined: nothing was
   * replayed) as one write, then lets live events through; returns how many it sent.
   */
  release(coveredUpTo: string | undefined): number {
    if (!this.held) return 0;
    this.held = false;
    this.coveredUpTo = coveredUpTo === undefined ? undefined : parseStreamId(coveredUpTo);
    const covered = this.coveredUpTo;
    const fresh =
      covered === undefined
        ? this.kept
        : this.kept.filter((event) => compareStreamIds(event.id, covered) > 0);
    this.kept = [];
    this.keptBytes = 0;
    if (fresh.length > 0) {
      this.coveredUpTo = undefined;
      this.writeNow(SseFrame.join(fresh.map((event) => event.frame)));
    }
    return fresh.length;
  }

  /** Unsent bytes (and kept ones) past the limit: the client is not reading. */
  isOverLimit(): boolean {
    return this.keptBytes + this.writer.bufferedBytes() > this.maxBufferBytes;
  }

  close(): void {
    this.closed = true;
    this.kept = [];
    this.keptBytes = 0;
  }
}
