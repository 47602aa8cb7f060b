/**
 * Every way a REST call can fail, with a stable `code`. Callers switch on the code; the
 * message names what to change or how long to wait.
 */

/** Stable codes; never renamed once published. */
export const RestClientErrorCode = {
  /** No complete answer (headers and body) within the timeout, after every attempt. */
  Timeout: 'REST_TIMEOUT',
  /** The connection failed (refused, reset, DNS), after every attempt. */
  Network: 'REST_NETWORK',
  /** The body outgrew its size limit. */
  BodyTooLarge: 'REST_BODY_TOO_LARGE',
  /** The venue answered a status other than 2xx that is no refusal (after every attempt for 5xx). */
  HttpStatus: 'REST_HTTP_STATUS',
  /** The venue refused the request for its rate limit (429), or still holds us back after one. */
  RateLimited: 'REST_RATE_LIMITED',
  /** The venue banned this IP or key (Binance: 418); nothing is sent until the ban lifts. */
  Banned: 'REST_BANNED',
  /** This process's share of the venue's budget is spent until `retryAt`; nothing was sent. */
  BudgetExhausted: 'REST_BUDGET_EXHAUSTED',
  /** A call named a venue the client was not given. */
  UnknownVenue: 'REST_UNKNOWN_VENUE',
} as const;

export type RestClientErrorCode = (typeof RestClientErrorCode)[keyof typeof RestClientErrorCode];

export interface RestClientErrorDetails {
  venue: string;
  /** The HTTP status of the answer, when there was one. */
  status?: number;
  /** When the venue takes requests again (ms since the epoch), for refusals and spent budgets. */
  retryAt?: number;
  /** The first bytes of a non-2xx body, for the message and for venue error codes. */
  bodyText?: string;
  headers?: Readonly<Record<string, string>>;
}

export class RestClientError extends Error {
  override readonly name = 'RestClientError';
  readonly venue: string;
  readonly status: number | undefined;
  readonly retryAt: number | undefined;
  readonly bodyText: string | undefined;
  readonly headers: Readonly<Record<string, string>> | undefined;

  constructor(
    readonly code: RestClientErrorCode,
    message: string,
    details: RestClientErrorDetails,
  ) {
    super(message);
    this.venue = details.venue;
    this.status = details.status;
    this.retryAt = details.retryAt;
    this.bodyText = details.bodyText;
    this.headers = details.headers;
  }
}

/** Codes after which the venue itself says when to ask again (`retryAt`). */
export function isVenueHold(error: unknown): error is RestClientError & { retryAt: number } {
  return (
    error instanceof RestClientError &&
    error.retryAt !== undefined &&
    (error.code === RestClientErrorCode.RateLimited ||
      error.code === RestClientErrorCode.Banned ||
      error.code === RestClientErrorCode.BudgetExhausted)
  );
}
