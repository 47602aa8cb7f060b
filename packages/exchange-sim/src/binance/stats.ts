/** Counters of the Binance simulator, served as JSON by GET /_sim/stats. */
import { createVenueStats, type VenueSimStats } from '../venue/venue-stats';

export interface SimStats extends VenueSimStats {
  /** Same as wsConnections (the name the other simulators' tests use). */
  connectionsOpen: number;
  /**
   * WebSocket upgrade requests in the last 5 minutes, whatever their outcome (Binance allows
   * 300 connection attempts per 5 minutes per IP).
   */
  connectionAttemptsLast5m: number;
  /** Request weight used in the current weight window (the x-mbx-used-weight-1m value). */
  restWeightUsed: number;
  /** Request weight of every request answered 200 or 4xx (not 429/418) since start. */
  restWeightTotal: number;
  rest418: number;
  /** Connections closed with code 1008 (rate limit, too many streams, refused stream). */
  closed1008: number;
  pingsSent: number;
  pongsReceived: number;
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
}

export function createStats(): SimStats {
  return {
    ...createVenueStats(),
    connectionsOpen: 0,
    connectionAttemptsLast5m: 0,
    restWeightUsed: 0,
    restWeightTotal: 0,
    rest418: 0,
    closed1008: 0,
    pingsSent: 0,
    pongsReceived: 0,
    controlFrames: 0,
    controlFramesByMethod: {},
    maxIncomingPerSecondSeen: 0,
    silencedSymbols: [],
    silencedFramesDropped: 0,
  };
}
