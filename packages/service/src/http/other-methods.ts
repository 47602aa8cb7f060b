/**
 * What a known path answers to a method it does not serve, the same on every route of every
 * service: OPTIONS gets 204 with `Allow` (and the CORS preflight answer when the origin is
 * allowed), any other method 405 with `Allow`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { commonHttpErrors, sendError } from '../errors';
import type { CorsPolicy } from './cors-policy';

/** The methods of a read-only route. */
export const READ_METHODS: readonly string[] = ['GET', 'HEAD', 'OPTIONS'];

/** True when `method` is served by the route itself (GET and HEAD). */
export function isReadMethod(method: string | undefined): boolean {
  return method === 'GET' || method === 'HEAD';
}

/** Answers OPTIONS or a method the route does not serve. */
export function answerOtherMethod(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  cors: CorsPolicy,
  allow: readonly string[] = READ_METHODS,
): void {
  if (req.method === 'OPTIONS') {
    cors.applyPreflight(req, res, allow);
    res.writeHead(204, { Allow: allow.join(', ') });
    res.end();
    return;
  }
  sendError(res, commonHttpErrors.methodNotAllowed(req.method ?? '', path, allow));
}
