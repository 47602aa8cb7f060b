/**
 * Every error the Massive adapter throws, with a stable `code`. WebSocket parsers never throw
 * (they return `malformed`); these come from builders given bad input and from the REST parsers.
 */
import { TickwireError } from '@tickwire/core';

/** Stable codes; never renamed once published. */
export const MassiveErrorCode = {
  /** No API key, or one that cannot be sent. */
  MissingApiKey: 'MASSIVE_MISSING_API_KEY',
  /** A symbol that is not a canonical Massive symbol (`MASSIVE:AAPL`). */
  InvalidSymbol: 'MASSIVE_INVALID_SYMBOL',
  /** A base URL with the wrong scheme or with a query or fragment. */
  InvalidBaseUrl: 'MASSIVE_INVALID_BASE_URL',
  /** A call the adapter answers another way (decoded snapshot bodies lose digits: use the text). */
  UnsupportedRequest: 'MASSIVE_UNSUPPORTED_REQUEST',
  /** A REST body that is not what the endpoint documents. */
  MalformedRestBody: 'MASSIVE_MALFORMED_REST_BODY',
  /** Massive answered with its own error body (`"status":"ERROR"` or `"NOT_AUTHORIZED"`). */
  ApiError: 'MASSIVE_API_ERROR',
} as const;

export type MassiveErrorCode = (typeof MassiveErrorCode)[keyof typeof MassiveErrorCode];

type RestCode = 'MASSIVE_MALFORMED_REST_BODY' | 'MASSIVE_API_ERROR';

/** Bad input to a URL or frame builder, or to the adapter's options. */
export class MassiveConfigError extends TickwireError<Exclude<MassiveErrorCode, RestCode>> {
  constructor(code: Exclude<MassiveErrorCode, RestCode>, message: string) {
    super(code, message);
  }
}

/** A REST response that could not be turned into data. */
export class MassiveRestError extends TickwireError<RestCode> {
  constructor(
    code: RestCode,
    message: string,
    /** Massive's own `status` (`ERROR`, `NOT_AUTHORIZED`) for `MASSIVE_API_ERROR`. */
    readonly massiveStatus?: string,
  ) {
    super(code, message);
  }
}
