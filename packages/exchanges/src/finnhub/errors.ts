/**
 * Every error the Finnhub adapter throws, with a stable `code` callers can switch on. Parsers of
 * WebSocket frames never throw (they return `malformed`); these come from builders given bad
 * input and from the REST parsers.
 * Docs: https://finnhub.io/docs/api/quote
 */
import { TickwireError } from '@tickwire/core';

/** Stable codes; never renamed once published. */
export const FinnhubErrorCode = {
  /** No API key, or one that cannot be put into a URL. */
  MissingToken: 'FINNHUB_MISSING_TOKEN',
  /** A symbol that is not a canonical Finnhub symbol (`FINNHUB:AAPL`). */
  InvalidSymbol: 'FINNHUB_INVALID_SYMBOL',
  /** A base URL with the wrong scheme or with a query or fragment. */
  InvalidBaseUrl: 'FINNHUB_INVALID_BASE_URL',
  /** An option outside its range (symbols per connection, REST calls per minute, symbol-list markets). */
  InvalidOption: 'FINNHUB_INVALID_OPTION',
  /** A request the protocol cannot express, e.g. several symbols in one quote request. */
  UnsupportedRequest: 'FINNHUB_UNSUPPORTED_REQUEST',
  /** A REST body that is not what the endpoint documents. */
  MalformedRestBody: 'FINNHUB_MALFORMED_REST_BODY',
  /** Finnhub answered with its own error body, e.g. `{"error":"Market data subscription required..."}`. */
  ApiError: 'FINNHUB_API_ERROR',
  /** HTTP 200 with the all-zero quote: Finnhub does not know the symbol. Never a price of 0. */
  UnknownSymbol: 'FINNHUB_UNKNOWN_SYMBOL',
} as const;

export type FinnhubErrorCode = (typeof FinnhubErrorCode)[keyof typeof FinnhubErrorCode];

type RestCode = 'FINNHUB_MALFORMED_REST_BODY' | 'FINNHUB_API_ERROR' | 'FINNHUB_UNKNOWN_SYMBOL';

/** Bad input to a URL or frame builder, or to the adapter's options. */
export class FinnhubConfigError extends TickwireError<Exclude<FinnhubErrorCode, RestCode>> {
  constructor(code: Exclude<FinnhubErrorCode, RestCode>, message: string) {
    super(code, message);
  }
}

/** A REST response that could not be turned into data. */
export class FinnhubRestError extends TickwireError<RestCode> {
  constructor(
    code: RestCode,
    message: string,
    /** The canonical symbol the request was for; empty for a symbol list. */
    readonly symbol: string,
    /** Finnhub's own error text, verbatim, for `FINNHUB_API_ERROR`. */
    readonly finnhubMessage?: string,
  ) {
    super(code, message);
  }
}
