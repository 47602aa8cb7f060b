/**
 * The pod's catalog of HTTP errors: the ones every service shares, and the pod's own. Each has
 * a stable code and renders as `{ "error": { "code", "message" } }`; messages say what to change.
 */
import { commonHttpErrors, HttpError } from '@tickwire/service';

export const httpErrors = {
  ...commonHttpErrors,
  invalidSymbol: (raw: string) =>
    new HttpError(
      400,
      'INVALID_SYMBOL',
      `"${raw.slice(0, 64)}" is not a symbol: use letters and digits, e.g. BTCUSDT`,
    ),
  tooManySymbols: (count: number, max: number) =>
    new HttpError(400, 'TOO_MANY_SYMBOLS', `${count} symbols requested; at most ${max} per request`),
  unknownSymbol: (symbol: string) =>
    new HttpError(
      404,
      'UNKNOWN_SYMBOL',
      `${symbol} is not listed by the cluster's exchanges (or DYNAMIC_SYMBOLS is off); see GET /v1/status`,
    ),
  symbolListUnavailable: (symbol: string) =>
    new HttpError(
      503,
      'SYMBOL_LIST_UNAVAILABLE',
      `cannot tell whether ${symbol} exists: the exchange's symbol list has not loaded yet; retry shortly`,
      { 'Retry-After': '5' },
    ),
  historyNotConfigured: () =>
    new HttpError(
      400,
      'HISTORY_NOT_CONFIGURED',
      '"from" and "to" read the history database, and this cluster has none (HISTORY_DATABASE_URL is unset): omit them to get the newest candles',
    ),
  historyUnavailable: (reason: string) =>
    new HttpError(
      503,
      'HISTORY_UNAVAILABLE',
      `the history database cannot answer (${reason.slice(0, 200)}); retry shortly, or omit "from" and "to" for the newest candles`,
      { 'Retry-After': '5' },
    ),
  priceUnavailable: (symbol: string) =>
    new HttpError(503, 'PRICE_UNAVAILABLE', `no price for ${symbol} has arrived yet; retry shortly`, {
      'Retry-After': '1',
    }),
};
