/**
 * Where a resuming SSE client says what it read last: browsers and EventSource libraries send the
 * Last-Event-ID header; polyfills that cannot set headers use `?lastEventId=` (the route must list
 * it among its parameters). The header wins when both are sent.
 */
import type { IncomingMessage } from 'node:http';
import { commonHttpErrors } from '../errors';

/** The id the client resumes after; undefined when it sent none (or an empty one). */
export function readLastEventId(req: IncomingMessage, query: Record<string, unknown>): string | undefined {
  const header = req.headers['last-event-id'];
  const value: unknown = typeof header === 'string' ? header : query.lastEventId;
  if (value !== undefined && typeof value !== 'string')
    throw commonHttpErrors.badRequest('give "lastEventId" once, as a plain value');
  return value === '' ? undefined : value;
}
