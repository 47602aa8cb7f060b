/**
 * Server-Sent Events, the pieces every streaming service shares: frames encoded once and written
 * as-is to every client, the writer that owns a stream's connection, the response head, and the
 * catalog of reasons a stream ends or is refused.
 */
export * from './sse-frame';
export * from './sse-encoding';
export * from './sse-writer';
export * from './sse-headers';
export * from './stream-endings';
export * from './last-event-id';
export { detachFromHttpServer, isDetached, MAX_UNEXPECTED_BYTES, type DetachOutcome } from './http-detach';
