/**
 * Every error of the symbol catalog, with a stable `code`: configuration errors thrown by the
 * constructor, and the reasons a list could not be fetched, reported in `state()` and logs.
 * Errors an adapter throws while parsing keep their own codes (`BINANCE_MALFORMED_REST_BODY`...).
 */
import { TickwireError } from '@tickwire/core';

/** Stable codes; never renamed once published. */
export const SymbolCatalogErrorCode = {
  /** An option out of range, an adapter without a symbol list, or an exchange listed twice. */
  InvalidOption: 'SYMBOL_CATALOG_INVALID_OPTION',
  /** The exchange answered with an HTTP status other than 2xx (and not a rate limit). */
  HttpStatus: 'SYMBOL_LIST_HTTP_STATUS',
  /** The exchange refused the request for its rate limit (429) or banned the IP (418). */
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
    /** How long the exchange asked us to wait before the next request (429/418), if it did. */
    readonly retryAfterMs?: number,
  ) {
    super(code, message);
  }
}
