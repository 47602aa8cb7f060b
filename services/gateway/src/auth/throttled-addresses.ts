/**
 * The addresses this replica saw throttled for failed authentications, until their window ends.
 * Redis keeps the count every replica shares; this memory lets a replica refuse an address it
 * already refused without a Redis round trip or a key hash, so a guesser costs it as little as
 * it can.
 */

/** Addresses remembered at most; the oldest is forgotten first (Redis still counts it). */
const MAX_REMEMBERED = 10_000;

export class ThrottledAddresses {
  /** Address -> end of its throttled window (ms since the epoch). */
  private readonly until = new Map<string, number>();

  remember(address: string, resetMs: number, now = Date.now()): void {
    this.until.delete(address);
    this.until.set(address, now + resetMs);
    if (this.until.size > MAX_REMEMBERED) {
      const oldest = this.until.keys().next().value;
      if (oldest !== undefined) this.until.delete(oldest);
    }
  }

  /** What is left of the address's throttled window (ms); undefined when it is not throttled. */
  remainingMs(address: string, now = Date.now()): number | undefined {
    const until = this.until.get(address);
    if (until === undefined) return undefined;
    if (until > now) return until - now;
    this.until.delete(address);
    return undefined;
  }
}
