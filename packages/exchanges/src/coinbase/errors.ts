/**
 * Every error the Coinbase adapter throws, with a stable `code` callers can switch on. Parsers of
 * WebSocket frames never throw (they return `malformed`); these come from builders given bad
 * input and from the REST parser.
 * Docs: https://docs.cdp.coinbase.com/exchange/rest-api/requests
 */
import { TickwireError } from '@tickwire/core';

/** Stable codes; never renamed once published. */
export const CoinbaseErrorCode = {
  /** A symbol that is not a canonical Coinbase symbol (`COINBASE:BTC-USD`), or a bad stream name. */
  InvalidSymbol: 'COINBASE_INVALID_SYMBOL',
  /** A channel the adapter does not offer. */
  InvalidChannel: 'COINBASE_INVALID_CHANNEL',
  /** A base URL with the wrong scheme or with a query or fragment. */
  InvalidBaseUrl: 'COINBASE_INVALID_BASE_URL',
  /** A request the protocol cannot express, e.g. several products in one ticker request. */
  UnsupportedRequest: 'COINBASE_UNSUPPORTED_REQUEST',
  /** A REST body that is not what the endpoint documents. */
  MalformedRestBody: 'COINBASE_MALFORMED_REST_BODY',
  /** Coinbase answered with its own error body, e.g. `{"message":"NotFound"}`. */
  ApiError: 'COINBASE_API_ERROR',
} as const;

export type CoinbaseErrorCode = (typeof CoinbaseErrorCode)[keyof typeof CoinbaseErrorCode];

type RestCode = 'COINBASE_MALFORMED_REST_BODY' | 'COINBASE_API_ERROR';

/** Bad input to a URL or frame builder, or to the adapter's options. */
export class CoinbaseConfigError extends TickwireError<Exclude<CoinbaseErrorCode, RestCode>> {
  constructor(code: Exclude<CoinbaseErrorCode, RestCode>, message: string) {
    super(code, message);
  }
}

/** A REST response that could not be turned into data. */
export class CoinbaseRestError extends TickwireError<RestCode> {
  constructor(
    code: RestCode,
    message: string,
    /** The canonical symbol the request was for; empty for the product list. */
    readonly symbol: string,
    /** Coinbase's own `message`, verbatim, for `COINBASE_API_ERROR` (`NotFound` for an unknown product). */
    readonly coinbaseMessage?: string,
  ) {
    super(code, message);
  }
}
