/** Counters of what the simulator did, served as JSON by GET /_sim/stats. */

export interface SimStats {
  /** WebSocket connections open now. */
  wsConnections: number;
  /** Same as wsConnections (the name the other simulators' tests use). */
  connectionsOpen: number;
  /**
   * WebSocket upgrade requests in the last 5 minutes, whatever their outcome (Binance allows
   * 300 connection attempts per 5 minutes per IP).
   */
  connectionAttemptsLast5m: number;
  /** WebSocket connections accepted since start. */
  wsConnectionsTotal: number;
  /** Requests to /api/ (REST), whatever their outcome. */
  restRequests: number;
  /** Request weight used in the current weight window (the x-mbx-used-weight-1m value). */
  restWeightUsed: number;
  rest429: number;
  rest418: number;
  /** Connections closed with code 1008 (rate limit, too many streams, refused stream). */
  closed1008: number;
  pingsSent: number;
  pongsReceived: number;
  /** Incoming frames: text, binary, ping and pong. */
  messagesIn: number;
  /** Incoming text frames (every one is a control message on Binance streams). */
  controlFrames: number;
  /** controlFrames by `method` (SUBSCRIBE, LIST_SUBSCRIPTIONS...); `invalid` for frames that did not parse. */
  controlFramesByMethod: Record<string, number>;
  /**
   * Most incoming frames (text, ping, pong) one connection sent within any rolling second, over
   * every connection since start: what the 5-per-second limit is measured on.
   */
  maxIncomingPerSecondSeen: number;
  /** Symbols under the silenceSymbol fault now. */
  silencedSymbols: string[];
  /** Market-data frames withheld from a connection by the silenceSymbol fault. */
  silencedFramesDropped: number;
  /** Text frames sent: market data, control responses, notices and malformed frames. */
  framesSent: number;
  /** Stream subscriptions open now, summed over connections. */
  subscriptions: number;
  /** Upgrade requests refused by the refuseConnections fault. */
  refusedConnections: number;
  /** Connections cut because they did not read fast enough (buffer over MAX_CLIENT_BUFFER_BYTES). */
  slowConsumersCut: number;
}

export function createStats(): SimStats {
  return {
    wsConnections: 0,
    connectionsOpen: 0,
    connectionAttemptsLast5m: 0,
    wsConnectionsTotal: 0,
    restRequests: 0,
    restWeightUsed: 0,
    rest429: 0,
    rest418: 0,
    closed1008: 0,
    pingsSent: 0,
    pongsReceived: 0,
    messagesIn: 0,
    controlFrames: 0,
    controlFramesByMethod: {},
    maxIncomingPerSecondSeen: 0,
    silencedSymbols: [],
    silencedFramesDropped: 0,
    framesSent: 0,
    subscriptions: 0,
    refusedConnections: 0,
    slowConsumersCut: 0,
  };
}
