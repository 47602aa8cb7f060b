/**
 * Every error of the symbol catalog, with a stable `code`: configuration errors thrown by the
 * constructor, and the reasons a list could not be fetched, reported in `state()` and logs.
 * Errors an adapter throws while parsing keep their own codes (`BINANCE_MALFORMED_REST_BODY`...).
 */
import { TickwireError } from '@tickwire/core';
import { RestClientError, RestClientErrorCode } from '@tickwire/service';

/** Stable codes; never renamed once published. */
export const SymbolCatalogErrorCode = {
  /** An option out of range, an adapter without a symbol list, or an exchange listed twice. */
  InvalidOption: 'SYMBOL_CATALOG_INVALID_OPTION',
  /** The exchange answered with an HTTP status other than 2xx (and not a rate limit). */
  HttpStatus: 'SYMBOL_LIST_HTTP_STATUS',
  /**
   * The exchange refused the request for its rate limit (429), banned the IP (418), or this
   * process's share of its budget is spent.
   */
  RateLimited: 'SYMBOL_LIST_RATE_LIMITED',
  /** No complete answer within the timeout. */
  Timeout: 'SYMBOL_LIST_TIMEOUT',
  /** The connection failed (refused, reset, DNS). */
  Network: 'SYMBOL_LIST_NETWORK',
  /** The body outgrew the size limit. */
  BodyTooLarge: 'SYMBOL_LIST_BODY_TOO_LARGE',
  /** The exchange listed no tradable symbol at all: kept as a failure, never as an empty list. */
  Empty: 'SYMBOL_LIST_EMPTY',
} as const;

export type SymbolCatalogErrorCode = (typeof SymbolCatalogErrorCode)[keyof typeof SymbolCatalogErrorCode];

export class SymbolCatalogError extends TickwireError<SymbolCatalogErrorCode> {
  constructor(
    code: SymbolCatalogErrorCode,
    message: string,
    /** When the exchange takes requests again (ms since the epoch), after a refusal or a spent budget. */
    readonly retryAt?: number,
  ) {
    super(code, message);
  }
}

/** The catalog's code for each way a REST call fails. */
const CODE_OF_REST_ERROR: Readonly<Record<RestClientErrorCode, SymbolCatalogErrorCode>> = {
  [RestClientErrorCode.Timeout]: SymbolCatalogErrorCode.Timeout,
  [RestClientErrorCode.Network]: SymbolCatalogErrorCode.Network,
  [RestClientErrorCode.BodyTooLarge]: SymbolCatalogErrorCode.BodyTooLarge,
  [RestClientErrorCode.HttpStatus]: SymbolCatalogErrorCode.HttpStatus,
  [RestClientErrorCode.RateLimited]: SymbolCatalogErrorCode.RateLimited,
  [RestClientErrorCode.Banned]: SymbolCatalogErrorCode.RateLimited,
  [RestClientErrorCode.BudgetExhausted]: SymbolCatalogErrorCode.RateLimited,
  [RestClientErrorCode.UnknownVenue]: SymbolCatalogErrorCode.InvalidOption,
};

/** A failed REST call as the catalog reports it; anything else (a stop's abort) as it is. */
export function symbolListError(error: unknown): unknown {
  if (!(error instanceof RestClientError)) return error;
  return new SymbolCatalogError(CODE_OF_REST_ERROR[error.code], error.message, error.retryAt);
}
