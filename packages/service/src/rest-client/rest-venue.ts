/**
 * What the REST client needs to know of one venue (an exchange, a webhook host): its budgets,
 * where it reports what was spent, how it says "wait", and where it states its live limits.
 * The client knows no venue; each service builds these from its own pure adapters.
 */

/** Response headers, names in lower case. */
export type RestHeaders = Readonly<Record<string, string>>;

/** One budget: at most `maxWeight` per window (requests, when every request weighs 1). */
export interface RestWindowLimit {
  maxWeight: number;
  windowMs: number;
  /**
   * `fixed`: the window restarts at every multiple of `windowMs` since the epoch (Binance's
   * weight minute). `rolling`: the last `windowMs`, whenever that is (Finnhub, Coinbase, Discord).
   */
  alignment: 'fixed' | 'rolling';
}

/** Weight used in one window as the venue reported it (e.g. Binance's `x-mbx-used-weight-1m`). */
export interface RestReportedUsage {
  windowMs: number;
  used: number;
}

/** A window's live limit, as the venue states it. */
export interface RestLearnedLimit {
  windowMs: number;
  maxWeight: number;
}

/** What a refused request means: hold every request of the venue this long; `ban` when the venue banned us. */
export interface RestRefusal {
  waitMs: number;
  ban: boolean;
}

export interface RestVenue {
  /** The budget's name: every request naming it counts against the same windows. */
  readonly name: string;
  /** The budgets that all apply at once; a limit learnt later replaces the one with its `windowMs`. */
  readonly limits: readonly RestWindowLimit[];
  /**
   * The share of every limit this process may spend, in (0, 1]: the venue counts per IP or key,
   * and other software on the host (or this pod's next life) needs room too. Default 1.
   */
  readonly share?: number;
  /** The weight used so far per window, read from any answer's headers; absent when the venue does not say. */
  usage?(headers: RestHeaders): readonly RestReportedUsage[];
  /**
   * Where the venue states its live limits (Binance: exchangeInfo `rateLimits`): read once,
   * through the budget, before the venue's first request, unless that request goes there itself
   * (`states`); every answer from there updates them. The `limits` above stand until then.
   */
  readonly limitSource?: {
    url: string;
    headers?: Readonly<Record<string, string>>;
    weight: number;
    /** True when an answer to `url` states the limits too (another query of the same endpoint). */
    states(url: string): boolean;
    parse(bodyText: string): readonly RestLearnedLimit[] | undefined;
  };
  /**
   * How long to hold the venue after an answer with this status; undefined when the status is
   * no refusal. Absent, or undefined for a 429: the client reads `Retry-After` itself.
   */
  refusal?(status: number, headers: RestHeaders, nowMs: number): RestRefusal | undefined;
}
