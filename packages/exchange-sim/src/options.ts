/**
 * What every simulator's options share: the bounds no option may pass and the one error that
 * reports every problem of a call together (STYLE rules 9 and 11). Each venue merges its own
 * options over its exported defaults (binance/options.ts, finnhub/options.ts, coinbase/options.ts).
 */

/** setTimeout cannot wait longer than this (2^31 - 1 ms, about 24.8 days). */
export const MAX_TIMER_MS = 2_147_483_647;
/** Upper bound of tradesPerSecond: above this one process cannot keep up anyway. */
export const MAX_TRADES_PER_SECOND = 100_000;

/** Thrown by every start function when options are invalid; lists every problem. */
export class SimOptionsError extends Error {
  readonly code = 'SIM_INVALID_OPTIONS';
  /** @param simulator names the simulator in the message ("finnhub-sim"). */
  constructor(
    readonly problems: readonly string[],
    simulator = 'exchange-sim',
  ) {
    super(`invalid ${simulator} options: ${problems.join('; ')}`);
    this.name = 'SimOptionsError';
  }
}
