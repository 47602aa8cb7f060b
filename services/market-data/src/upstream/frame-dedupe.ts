/**
 * Drops the second copy of a frame while two connections carry the same streams (a
 * make-before-break rotation). The exchange sends one event to both connections as the same
 * bytes, so the frame text is its identity. A copy that is not byte-identical gets through: a
 * repeated ticker is harmless, a lost one is not.
 */

/** A frame is remembered for between one and two of these (ms): far longer than two sockets' skew. */
export const DEDUPE_GENERATION_MS = 2_000;

export class FrameDedupe {
  private current = new Set<string>();
  private previous = new Set<string>();
  private generationStartedAt: number;

  constructor(private readonly now: () => number = Date.now) {
    this.generationStartedAt = now();
  }

  /** True the first time `text` is seen within the window; false for its copy. */
  firstSight(text: string): boolean {
    const now = this.now();
    if (now - this.generationStartedAt >= DEDUPE_GENERATION_MS) {
      this.previous = this.current;
      this.current = new Set();
      this.generationStartedAt = now;
    }
    if (this.current.has(text) || this.previous.has(text)) return false;
    this.current.add(text);
    return true;
  }

  clear(): void {
    this.current.clear();
    this.previous.clear();
  }
}
