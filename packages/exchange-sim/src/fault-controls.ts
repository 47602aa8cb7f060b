/**
 * The `faults` object every simulator hands out (SimFaults), built once over the shared
 * FaultState plus the simulator's own connection operations, so argument checks and reset
 * semantics are the same for Binance, Finnhub and Coinbase.
 */
import { REST_FAULT_STATUSES, type FaultState, type RestFault } from './fault-state';
import { MAX_TRADES_PER_SECOND } from './options';

/** Fault injection, the same on every simulator; mirrored over HTTP under /_sim/. */
export interface SimFaults {
  /** Drops every WebSocket connection: abruptly (client sees 1006) without a code, else a close frame with it. */
  dropAll(code?: number): void;
  /** Connections stay open but get no data frames and no pings, for `ms` (0 = until resume()). */
  stall(ms: number): void;
  resume(): void;
  /** Sends `count` malformed text frames to every open connection. */
  sendMalformed(count: number): void;
  /** While on, WebSocket upgrade requests are reset without an answer (REST keeps working). */
  refuseConnections(on: boolean): void;
  /** Answers the next `count` REST requests with `status` (429/418 carry Retry-After). */
  restFault(fault: RestFault): void;
  /** Clears stall, refusal and REST faults, and forgets REST budgets, bans and the venue's own fault state. */
  reset(): void;
}

export interface FaultControlDeps {
  readonly state: FaultState;
  readonly dropAll: (code?: number) => void;
  readonly sendMalformed: (count: number) => void;
  /** Extra state to clear on reset() (REST budgets, silenced symbols...). */
  readonly onReset?: () => void;
}

export function createFaultControls(deps: FaultControlDeps): SimFaults {
  const { state } = deps;
  return {
    dropAll: (code) => deps.dropAll(code),
    stall: (ms) => {
      if (!Number.isInteger(ms) || ms < 0)
        throw new RangeError(`stall(ms): ms must be an integer >= 0, got ${ms}`);
      state.stall(ms);
    },
    resume: () => state.resume(),
    sendMalformed: (count) => {
      if (!Number.isInteger(count) || count < 0)
        throw new RangeError(`sendMalformed(count): count must be an integer >= 0, got ${count}`);
      deps.sendMalformed(count);
    },
    refuseConnections: (on) => state.refuseConnections(on),
    restFault: (fault: RestFault) => {
      if (!REST_FAULT_STATUSES.includes(fault.status)) {
        throw new RangeError(`restFault: status must be one of ${REST_FAULT_STATUSES.join(', ')}`);
      }
      if (!Number.isInteger(fault.count) || fault.count < 0) {
        throw new RangeError(`restFault: count must be an integer >= 0, got ${fault.count}`);
      }
      if (
        fault.retryAfterSec !== undefined &&
        (!Number.isInteger(fault.retryAfterSec) || fault.retryAfterSec < 0)
      ) {
        throw new RangeError(`restFault: retryAfterSec must be an integer >= 0, got ${fault.retryAfterSec}`);
      }
      state.setRestFault(fault);
    },
    reset: () => {
      state.reset();
      deps.onReset?.();
    },
  };
}

/** Throws RangeError unless `tradesPerSecond` is a rate setTradesPerSecond accepts. */
export function checkTradesPerSecond(tradesPerSecond: number): void {
  if (!Number.isFinite(tradesPerSecond) || tradesPerSecond < 0 || tradesPerSecond > MAX_TRADES_PER_SECOND) {
    throw new RangeError(
      `setTradesPerSecond: must be a number in [0, ${MAX_TRADES_PER_SECOND}], got ${tradesPerSecond}`,
    );
  }
}
