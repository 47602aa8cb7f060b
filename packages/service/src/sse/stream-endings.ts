/**
 * Why a service ends or refuses an SSE stream, in one catalog shared by every service that
 * streams: the final `status` event a client gets before its stream ends, and the reasons
 * refusals are counted under. Clients and dashboards switch on these strings, so they are never
 * renamed once published.
 */

/** The last event of a stream the service ends, sent as `event: status`. */
export const STREAM_ENDINGS = {
  /** The client stopped reading: its unsent bytes passed the service's limit. */
  slowConsumer: { state: 'disconnected', reason: 'slow-consumer' },
  /** The instance is shutting down; reconnect (the load balancer sends the client to another one). */
  serverShutdown: { state: 'closing', reason: 'server-shutdown' },
  /**
   * A resume had more to replay than one stream carries: this event's id is how far the replay
   * got, and reconnecting with it (what EventSource does by itself) replays the next part.
   */
  replayLimit: { state: 'closing', reason: 'replay-limit' },
  /** The API key whose token opened the stream was revoked; its tokens are refused from now on. */
  keyRevoked: { state: 'disconnected', reason: 'key-revoked' },
} as const;

/** A refused client is told to come back after 1 to 5 s, spread so they do not return together. */
const CAPACITY_RETRY_MIN_SECONDS = 1;
const CAPACITY_RETRY_SPREAD_SECONDS = 4;

/** The `Retry-After` of a stream refused for capacity (TOO_MANY_STREAMS), in seconds. */
export function capacityRetryAfterSeconds(random: () => number = Math.random): number {
  return CAPACITY_RETRY_MIN_SECONDS + Math.floor(random() * (CAPACITY_RETRY_SPREAD_SECONDS + 1));
}

/** Why a stream was refused before it opened (the `reason` label of a service's refusal counter). */
export const STREAM_REFUSALS = {
  /** The instance holds its maximum of streams. */
  capacity: 'capacity',
  /** No stream token, or one that is malformed, forged, expired or of a revoked key. */
  unauthorized: 'unauthorized',
  /** The token does not allow a symbol the stream asked for. */
  symbolNotAllowed: 'symbol-not-allowed',
  /** The token's subject holds its quota of concurrent streams. */
  quota: 'quota',
} as const;
