/**
 * Every error the Binance adapter throws, with a stable `code` callers can switch on. Parsers of
 * WebSocket frames never throw (they return `malformed`); these come from builders given bad
 * input and from the REST parsers.
 */
import { TickwireError } from '@tickwire/core';

/** Stable codes; never renamed once published. */
export const BinanceErrorCode = {
  /** More streams than one connection may carry. */
  TooManyStreams: 'BINANCE_TOO_MANY_STREAMS',
  /** A stream kind or kline interval Binance does not offer. */
  InvalidStreamKind: 'BINANCE_INVALID_STREAM_KIND',
  /** A symbol or stream name that cannot be put into a URL or a control frame. */
  InvalidSymbol: 'BINANCE_INVALID_SYMBOL',
  /** A base URL with the wrong scheme or with a query or fragment. */
  InvalidBaseUrl: 'BINANCE_INVALID_BASE_URL',
  /** A combination of request parameters Binance refuses, e.g. `symbols` with `symbolStatus`. */
  InvalidRequest: 'BINANCE_INVALID_REQUEST',
  /** A REST body that is not what the endpoint documents. */
  MalformedRestBody: 'BINANCE_MALFORMED_REST_BODY',
  /** Binance answered with its own error body, e.g. `{"code":-1121,"msg":"Invalid symbol."}`. */
  ApiError: 'BINANCE_API_ERROR',
} as const;

export type BinanceErrorCode = (typeof BinanceErrorCode)[keyof typeof BinanceErrorCode];

type RestCode = 'BINANCE_MALFORMED_REST_BODY' | 'BINANCE_API_ERROR';

/** Bad input to a URL or frame builder, or to the adapter's options. */
export class BinanceConfigError extends TickwireError<Exclude<BinanceErrorCode, RestCode>> {
  constructor(code: Exclude<BinanceErrorCode, RestCode>, message: string) {
    super(code, message);
  }
}

/** A REST response that could not be turned into data. */
export class BinanceRestError extends TickwireError<RestCode> {
  constructor(
    code: RestCode,
    message: string,
    /** Binance's own error code (`-1121`) when the body was a Binance error body. */
    readonly binanceCode?: number,
    /** Binance's own message, verbatim. */
    readonly binanceMessage?: string,
  ) {
    super(code, message);
  }
}

/** What to change, for the Binance error codes an operator is likely to meet. */
const API_ERROR_HINTS: Readonly<Record<number, string>> = {
  [-1003]: 'poll the REST API less often (the IP is over its request weight)',
  [-1100]: 'check the request parameters',
  [-1121]: 'check that every configured symbol is listed on this exchange',
  [-1220]: 'drop the symbolStatus filter or pick a symbol with that status',
};

/** Builds the error for a Binance error body `{"code":-1121,"msg":"Invalid symbol."}`. */
export function binanceApiError(binanceCode: number, binanceMessage: string): BinanceRestError {
  const hint =
    API_ERROR_HINTS[binanceCode] ?? 'see https://developers.binance.com/docs/binance-spot-api-docs/errors';
  return new BinanceRestError(
    BinanceErrorCode.ApiError,
    `Binance answered with error ${binanceCode} ${JSON.stringify(binanceMessage)}: ${hint}`,
    binanceCode,
    binanceMessage,
  );
}
