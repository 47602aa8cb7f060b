/** Counters every simulator shares (GET /_sim/stats); each adds its own on top. */

/** Why a connection ended; the keys of `closesByReason`. */
export const CloseReason = {
  /** The client closed, or the TCP connection was lost. */
  CLIENT: 'client',
  /** The dropAll fault. */
  DROPPED: 'dropped',
  /** The simulator stopped. */
  SERVER_STOP: 'server-stop',
  /** The client did not read fast enough (MAX_CLIENT_BUFFER_BYTES). */
  SLOW_CONSUMER: 'slow-consumer',
  /** Finnhub: another connection opened with the same API key. */
  DUPLICATE_TOKEN: 'duplicate-token',
  /** Coinbase: no subscribe within the deadline. */
  SUBSCRIBE_DEADLINE: 'subscribe-deadline',
  /** Binance and Coinbase: too many client messages per second (close 1008). */
  RATE_LIMIT: 'rate-limit',
  /** Binance: more streams than a connection may hold, named in the URL (close 1008). */
  TOO_MANY_STREAMS: 'too-many-streams',
  /** Binance, unknownStreamMode 'error-close': a stream the simulator does not serve (close 1008). */
  INVALID_STREAM: 'invalid-stream',
  /** Binance: the connection reached its maximum age (close 1001). */
  MAX_AGE: 'max-age',
  /** Binance: a ping stayed unanswered past the pong timeout (cut without a close frame). */
  PONG_TIMEOUT: 'pong-timeout',
  /** Massive: a wrong key or a plan without this feed (`auth_failed`, cut without a close frame). */
  AUTH_FAILED: 'auth-failed',
  /** Massive: no auth message within the deadline (`auth_timeout`). */
  AUTH_TIMEOUT: 'auth-timeout',
  /** Massive: a newer connection of the same account took the cluster's one slot (`max_connections`). */
  MAX_CONNECTIONS: 'max-connections',
} as const;
export type CloseReason = (typeof CloseReason)[keyof typeof CloseReason];

export interface VenueSimStats {
  /** WebSocket connections open now. */
  wsConnections: number;
  /** WebSocket connections accepted since start. */
  wsConnectionsTotal: number;
  /** Upgrade requests answered with an HTTP error (bad API key, unknown path). */
  rejectedHandshakes: number;
  /** Upgrade requests reset by the refuseConnections fault. */
  refusedConnections: number;
  /** Client frames received, valid or not (Binance: pings and pongs too). */
  messagesIn: number;
  /** Client frames that were not a request the simulator understands. */
  malformedMessagesIn: number;
  /** Subscribe requests accepted. */
  subscribes: number;
  /** Unsubscribe requests handled. */
  unsubscribes: number;
  /** Error messages sent to clients. */
  errorsSent: number;
  /** Text frames sent (data, acknowledgements, errors, pings, malformed frames). */
  framesSent: number;
  /**
   * Subscriptions open now, summed over connections (Binance: streams; Finnhub: symbols;
   * Coinbase: channel x product).
   */
  subscriptions: number;
  /** Connections ended, by CloseReason. */
  closesByReason: Record<string, number>;
  /** Requests to the REST API, whatever their outcome. */
  restRequests: number;
  rest429: number;
  /** Connections cut because they did not read fast enough. */
  slowConsumersCut: number;
}

export function createVenueStats(): VenueSimStats {
  return {
    wsConnections: 0,
    wsConnectionsTotal: 0,
    rejectedHandshakes: 0,
    refusedConnections: 0,
    messagesIn: 0,
    malformedMessagesIn: 0,
    subscribes: 0,
    unsubscribes: 0,
    errorsSent: 0,
    framesSent: 0,
    subscriptions: 0,
    closesByReason: {},
    restRequests: 0,
    rest429: 0,
    slowConsumersCut: 0,
  };
}

/** A snapshot safe to hand out (the nested record copied). */
export function snapshotStats<S extends VenueSimStats>(stats: S): S {
  return { ...stats, closesByReason: { ...stats.closesByReason } };
}
