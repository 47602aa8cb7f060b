/**
 * The stream token a request presents, `?token=<token>` (what EventSource can send) or
 * `Authorization: Bearer <token>`, checked against the secret the gateway signs with: its claims,
 * or the 401 that refuses it.
 */
import type { IncomingMessage } from 'node:http';
import { verifyStreamToken, type StreamTokenClaims } from '@tickwire/service';
import { httpErrors } from '../http/errors';
import { singleParam } from '../http/query';

const BEARER = /^Bearer[ ]+(\S+)[ ]*$/i;

/** The token presented, or undefined when there is none; an Authorization header that is no bearer counts as a wrong token. */
export function presentedToken(req: IncomingMessage, query: Record<string, unknown>): string | undefined {
  const fromQuery = singleParam(query, 'token');
  if (fromQuery !== undefined) return fromQuery;
  const authorization = req.headers.authorization;
  if (authorization === undefined) return undefined;
  return BEARER.exec(authorization)?.[1] ?? authorization;
}

/** The claims of the request's token; throws TOKEN_MISSING, TOKEN_EXPIRED or TOKEN_INVALID. */
export function streamClaims(
  req: IncomingMessage,
  query: Record<string, unknown>,
  secret: string,
  now: number,
): StreamTokenClaims {
  const token = presentedToken(req, query);
  if (token === undefined || token === '') throw httpErrors.tokenMissing();
  const verified = verifyStreamToken(token, secret, now);
  if (verified.ok) return verified.claims;
  throw verified.reason === 'expired' ? httpErrors.tokenExpired() : httpErrors.tokenInvalid();
}
