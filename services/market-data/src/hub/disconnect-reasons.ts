/**
 * Why the pod ends or refuses a stream, in one catalog: the final `status` event a client gets
 * before its stream ends, and the reasons refusals are counted under. Clients and dashboards
 * switch on these strings, so they are never renamed once published.
 */

/** The last event of a stream the pod ends, sent as `event: status`. */
export const STREAM_ENDINGS = {
  /** The client stayed over its buffer limit for SSE_STUCK_CLIENT_MS: it stopped reading. */
  slowConsumer: { state: 'disconnected', reason: 'slow-consumer' },
  /** The pod is shutting down; reconnect (the load balancer sends the client to another pod). */
  serverShutdown: { state: 'closing', reason: 'server-shutdown' },
} as const;

/** Why a stream was refused before it opened (`tickwire_sse_rejected_total{reason}`). */
export const STREAM_REFUSALS = {
  /** The pod holds SSE_MAX_CLIENTS streams. */
  capacity: 'capacity',
} as const;
