/**
 * Answers held back for a fixed delay before they are sent: a tarpit. A client that waits for
 * each answer before its next request (every HTTP/1.1 keep-alive connection does) can then make
 * at most one request per delay on each connection. At most `maxHeld` answers wait at once; past
 * that an answer goes at once and closes its connection, so holding stays bounded whatever the
 * client opens.
 */
import type { ServerResponse } from 'node:http';

interface HeldAnswer {
  readonly due: number;
  readonly res: ServerResponse;
  readonly send: () => void;
}

/** Sent answers are dropped from the queue's front in batches of at least this many. */
const COMPACT_AFTER = 1_024;

export class HeldAnswers {
  /** Oldest first: every answer waits the same delay, so the queue is also ordered by due time. */
  private queue: HeldAnswer[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly delayMs: number,
    private readonly maxHeld: number,
  ) {}

  /** Answers waiting now. */
  get size(): number {
    return this.queue.length - this.head;
  }

  /** Runs `send` (which answers on `res`) once the delay has passed; at once with no delay or no room. */
  hold(res: ServerResponse, send: () => void): void {
    if (this.delayMs === 0) return send();
    if (this.size >= this.maxHeld) {
      res.shouldKeepAlive = false;
      return send();
    }
    this.queue.push({ due: Date.now() + this.delayMs, res, send });
    this.timer ??= this.armFor(this.delayMs);
  }

  private armFor(ms: number): NodeJS.Timeout {
    // Unref'd: held answers never keep a stopping process alive; closing the server waits for them.
    return setTimeout(() => this.release(), ms).unref();
  }

  private release(): void {
    this.timer = undefined;
    const now = Date.now();
    while (this.head < this.queue.length && this.queue[this.head]!.due <= now) {
      const { res, send } = this.queue[this.head++]!;
      // A client that left is not answered.
      if (!res.destroyed) send();
    }
    if (this.head >= COMPACT_AFTER || this.head === this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    if (this.size > 0) this.timer = this.armFor(Math.max(1, this.queue[this.head]!.due - now));
  }
}
