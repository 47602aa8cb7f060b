/**
 * The pod's catalog of HTTP errors: the ones every service shares, and the pod's own. Each has
 * a stable code and renders as `{ "error": { "code", "message" } }`; messages say what to change.
 */
import { commonHttpErrors, HttpError } from '@tickwire/service';

/** RFC 6750: how a client learns that streams take a bearer token, and why one was refused. */
const CHALLENGE = 'Bearer realm="tickwire"';
const invalidToken = (description: string) => ({
  'WWW-Authenticate': `${CHALLENGE}, error="invalid_token", error_description="${description}"`,
});

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
  tokenMissing: () =>
    new HttpError(
      401,
      'TOKEN_MISSING',
      'this stream needs a stream token: get one with POST /v1/stream-tokens at the gateway, send it as ?token= or "Authorization: Bearer <token>"',
      { 'WWW-Authenticate': CHALLENGE },
    ),
  tokenInvalid: () =>
    new HttpError(
      401,
      'TOKEN_INVALID',
      'the stream token is not valid (malformed, wrongly signed or not HS256); get a new one with POST /v1/stream-tokens',
      invalidToken('invalid'),
    ),
  tokenExpired: () =>
    new HttpError(
      401,
      'TOKEN_EXPIRED',
      'the stream token has expired; get a new one with POST /v1/stream-tokens',
      invalidToken('expired'),
    ),
  tokenRevoked: () =>
    new HttpError(
      401,
      'TOKEN_REVOKED',
      'the API key this stream token was issued for was revoked; ask an admin for a new key',
      invalidToken('revoked'),
    ),
  symbolsNotAllowed: (symbols: readonly string[]) =>
    new HttpError(
      403,
      'SYMBOL_NOT_ALLOWED',
      `the stream token does not allow ${symbols.slice(0, 10).join(', ')}${symbols.length > 10 ? ` and ${symbols.length - 10} more` : ''}; ask for a token with these symbols`,
    ),
  streamQuotaExceeded: (max: number) =>
    new HttpError(
      429,
      'STREAM_QUOTA_EXCEEDED',
      `this key (or address) holds its ${max} concurrent streams; close one, or ask for a larger quota`,
      { 'Retry-After': '5' },
    ),
  priceUnavailable: (symbol: string) =>
    new HttpError(503, 'PRICE_UNAVAILABLE', `no price for ${symbol} has arrived yet; retry shortly`, {
      'Retry-After': '1',
    }),
};
