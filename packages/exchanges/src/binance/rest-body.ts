/**
 * What every Binance REST parser does first and last: recognise Binance's own error body, and
 * turn a failed field read into a {@link BinanceRestError} naming the endpoint.
 * Docs: https://developers.binance.com/docs/binance-spot-api-docs/errors
 */
import { BinanceErrorCode, BinanceRestError, binanceApiError } from './errors';
import { PayloadError, has, isJsonObject, readInteger, readString } from './payload-fields';

/** Throws the typed API error when `body` is `{"code":-1121,"msg":"Invalid symbol."}`. */
export function throwIfApiError(body: unknown, endpoint: string): void {
  if (!isJsonObject(body) || !has(body, 'code') || !has(body, 'msg')) return;
  const context = `${endpoint} error body`;
  throw binanceApiError(readInteger(body, 'code', context), readString(body, 'msg', context));
}

/** Runs `read`, re-throwing a field error as a malformed-body {@link BinanceRestError}. */
export function readRestBody<T>(body: unknown, endpoint: string, read: () => T): T {
  try {
    throwIfApiError(body, endpoint);
    return read();
  } catch (error) {
    if (error instanceof PayloadError) {
      throw new BinanceRestError(
        BinanceErrorCode.MalformedRestBody,
        `malformed ${endpoint} response: ${error.message}; check that the REST base URL points at Binance Spot`,
      );
    }
    throw error;
  }
}
