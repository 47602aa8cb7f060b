/**
 * Injected faults that outlive one call: a stalled feed, refused connections and a queue of
 * failing REST answers. One-shot faults (drop all, malformed frames) act directly on the
 * gateway and are not stored.
 */

/** Statuses the REST fault can force. */
export type RestFaultStatus = 429 | 418 | 500 | 502 | 503;
export const REST_FAULT_STATUSES: readonly RestFaultStatus[] = [429, 418, 500, 502, 503];

/** Answer the next `count` /api requests with `status`. */
export interface RestFault {
  status: RestFaultStatus;
  count: number;
  /** Retry-After header in seconds; 429 and 418 default to DEFAULT_FAULT_RETRY_AFTER_SEC. */
  retryAfterSec?: number;
}

/** Retry-After of injected 429/418 answers when the fault does not say. */
export const DEFAULT_FAULT_RETRY_AFTER_SEC = 1;

export class FaultState {
  private stalledNow = false;
  private stallTimer: NodeJS.Timeout | undefined;
  private refusing = false;
  private restFault:
    { status: RestFaultStatus; remaining: number; retryAfterSec: number | undefined } | undefined;

  /** True while the feed is stalled: connections stay open, no data and no pings are sent. */
  get stalled(): boolean {
    return this.stalledNow;
  }

  get refusingConnections(): boolean {
    return this.refusing;
  }

  /** Stalls the feed for `ms`, or until resume() when ms is 0. */
  stall(ms: number): void {
    this.clearStallTimer();
    this.stalledNow = true;
    if (ms > 0) {
      this.stallTimer = setTimeout(() => {
        this.stallTimer = undefined;
        this.stalledNow = false;
      }, ms);
    }
  }

  resume(): void {
    this.clearStallTimer();
    this.stalledNow = false;
  }

  refuseConnections(on: boolean): void {
    this.refusing = on;
  }

  setRestFault(fault: RestFault): void {
    this.restFault =
      fault.count > 0
        ? { status: fault.status, remaining: fault.count, retryAfterSec: fault.retryAfterSec }
        : undefined;
  }

  /** Consumes one injected REST answer, if any is pending. */
  takeRestFault(): { status: RestFaultStatus; retryAfterSec: number | undefined } | undefined {
    const fault = this.restFault;
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.restFault = undefined;
    return { status: fault.status, retryAfterSec: fault.retryAfterSec };
  }

  /** Clears every stored fault. */
  reset(): void {
    this.resume();
    this.refusing = false;
    this.restFault = undefined;
  }

  /** Clears the stall timer (lifecycle stop). */
  stop(): void {
    this.clearStallTimer();
  }

  private clearStallTimer(): void {
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
  }
}
