/**
 * The gateway's catalog of HTTP errors: the ones every service shares, and the gateway's own
 * (keys, scopes, limits, pods). Each has a stable code and renders as
 * `{ "error": { "code", "message" } }`; messages say what to change.
 */
import { commonHttpErrors, HttpError } from '@tickwire/service';
import type { Scope } from '../keys';

/** RFC 6750: how a client learns that this API takes a bearer key, and why one was refused. */
const CHALLENGE = 'Bearer realm="tickwire"';
const invalidToken = (description: string) => ({
  'WWW-Authenticate': `${CHALLENGE}, error="invalid_token", error_description="${description}"`,
});

export const httpErrors = {
  ...commonHttpErrors,
  keyRequired: () =>
    new HttpError(
      401,
      'KEY_REQUIRED',
      'this route needs an API key: send it as "Authorization: Bearer <key>" or "X-API-Key: <key>"',
      { 'WWW-Authenticate': CHALLENGE },
    ),
  invalidKey: () =>
    new HttpError(
      401,
      'INVALID_KEY',
      'the API key is not valid; check it, or ask an admin for a new one',
      invalidToken('unknown key'),
    ),
  keyRevoked: () =>
    new HttpError(
      401,
      'KEY_REVOKED',
      'the API key was revoked; ask an admin for a new one',
      invalidToken('revoked'),
    ),
  keyExpired: () =>
    new HttpError(
      401,
      'KEY_EXPIRED',
      'the API key has expired; ask an admin for a new one',
      invalidToken('expired'),
    ),
  insufficientScope: (held: Scope, required: Scope) =>
    new HttpError(
      403,
      'INSUFFICIENT_SCOPE',
      `this route needs a key of scope ${required} or higher; this key has scope ${held}`,
      { 'WWW-Authenticate': `${CHALLENGE}, error="insufficient_scope", scope="${required}"` },
    ),
  rateLimited: (headers: Record<string, string>) =>
    new HttpError(
      429,
      'RATE_LIMITED',
      'too many requests in this window; retry after Retry-After seconds',
      headers,
    ),
  authThrottled: (headers: Record<string, string>) =>
    new HttpError(
      429,
      'AUTH_THROTTLED',
      'too many failed authentications from this address; retry after Retry-After seconds with a valid key',
      headers,
    ),
  keyNotFound: (id: string) => new HttpError(404, 'NOT_FOUND', `no API key with id ${id.slice(0, 64)}`),
  streamTokensDisabled: () =>
    new HttpError(
      503,
      'STREAM_TOKENS_DISABLED',
      'this gateway issues no stream tokens: its operator has not set STREAM_TOKEN_SECRET',
    ),
  noHealthyPod: () =>
    new HttpError(503, 'NO_HEALTHY_POD', 'no market-data pod is ready to serve; retry shortly', {
      'Retry-After': '1',
    }),
  /** No scanner behind this gateway at all: a 404, not a 503 that asks clients to retry. */
  scannerNotConfigured: () =>
    new HttpError(
      404,
      'SCANNER_NOT_CONFIGURED',
      'this gateway serves no scanner routes: its operator has not set SCANNER_URLS',
    ),
  noHealthyScanner: () =>
    new HttpError(503, 'SCANNER_UNAVAILABLE', 'no scanner replica is ready to serve; retry shortly', {
      'Retry-After': '1',
    }),
  /** `upstream`: who failed, as clients read it (`the market-data pod`, `the scanner`). */
  upstreamFailed: (upstream: string) =>
    new HttpError(502, 'UPSTREAM_FAILED', `${upstream} failed to answer; retry`, {
      'Retry-After': '1',
    }),
  upstreamTimeout: (upstream: string) =>
    new HttpError(504, 'UPSTREAM_TIMEOUT', `${upstream} did not answer in time; retry`, {
      'Retry-After': '1',
    }),
};
