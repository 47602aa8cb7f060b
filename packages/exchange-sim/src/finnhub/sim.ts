/**
 * Composes the Finnhub simulator: instruments -> feed -> event log + hub -> connections (batched
 * trade frames, text pings), the REST API and the shared /_sim/ endpoints, on one port. The
 * socket is `/` or `/?token=KEY` (wss://ws.finnhub.io?token=KEY); a missing or unknown key is
 * HTTP 401 at the handshake, and one key holds one connection at a time.
 * Docs: https://finnhub.io/docs/api/websocket-trades
 */
import type { IncomingMessage } from 'node:http';
import { EventLog } from '../event-log';
import { FaultState } from '../fault-state';
import { requestUrl } from '../http-host';
import { sendText } from '../http-responses';
import { StreamHub } from '../stream-hub';
import { VenueGateway, type UpgradeVerdict, malformedFrames } from '../venue/venue-gateway';
import { batchedFeed } from '../venue/batched-feed';
import { startVenueSim } from '../venue/venue-sim';
import type { VenueSocket } from '../venue/venue-socket';
import { CloseReason, snapshotStats } from '../venue/venue-stats';
import { FinnhubConnection, type FinnhubConnectionContext } from './connection';
import { FinnhubFeed } from './feed';
import { resolveFinnhubSimOptions, type FinnhubSimOptions } from './options';
import { FINNHUB_JSON_CONTENT_TYPE, FinnhubRestApi, FinnhubRestBodies } from './rest-api';
import { FinnhubRateLimiter } from './rest-limits';
import { createFinnhubStats, type FinnhubSim, type FinnhubSimStats } from './sim-api';

/**
 * Close code of connections ended because their API key opened another one. Finnhub's code
 * is not documented (reports only say the connections "dropped"): 1008, policy violation.
 */
export const FINNHUB_DUPLICATE_CLOSE_CODE = 1008;
export const FINNHUB_DUPLICATE_CLOSE_REASON = 'API key already in use';

/** Frames of the malformed fault: a truncated trade frame, then the shapes every venue sends. */
export const FINNHUB_MALFORMED_FRAMES = malformedFrames(
  '{"data":[{"c":null,"p":66972.77,"s":"BINANCE:BTCUSDT","t":17215558',
  '{"data":null,"type":"trade"}',
);

/** The API key of a socket request, or undefined when the path is not Finnhub's socket. */
export function finnhubSocketTarget(
  req: IncomingMessage,
): { readonly token: string | undefined } | undefined {
  const url = requestUrl(req);
  if (!url || url.pathname !== '/') return undefined;
  return { token: url.searchParams.get('token') ?? undefined };
}

/**
 * Starts a Finnhub simulator and resolves once it listens. Throws SimOptionsError for invalid
 * options (listing every problem) and the listen error otherwise, having undone what it started.
 */
export async function startFinnhubSim(options: FinnhubSimOptions = {}): Promise<FinnhubSim> {
  const resolved = resolveFinnhubSimOptions(options);
  const clock = Date.now;
  const stats: FinnhubSimStats = createFinnhubStats();
  const faults = new FaultState();
  // Finnhub streams are named by their symbol: a symbol filter is an exact match.
  const log = new EventLog((stream, symbol) => stream === symbol);
  const hub = new StreamHub(() => faults.stalled);
  const feed = new FinnhubFeed(
    resolved.instruments,
    resolved.seed,
    clock(),
    resolved.tradesPerSecond,
    (symbol, json, now) => {
      log.record({ stream: symbol, data: JSON.parse(json) as unknown, json, sentAt: now });
      hub.publish(symbol, json);
    },
    clock,
  );
  const apiKeys: ReadonlySet<string> = new Set(resolved.apiKeys);
  const limiter = new FinnhubRateLimiter(resolved.restCallsPerMinute, resolved.restCallsPerSecond);
  const restApi = new FinnhubRestApi(feed.markets, apiKeys, limiter, faults, stats, resolved.candles, clock);
  const context: FinnhubConnectionContext = { options: resolved, hub, stats, faults, clock };
  const connections = new Set<FinnhubConnection>();
  /** Open connections by API key ("1 API key can only open 1 connection at a time"). */
  const byKey = new Map<string, Set<FinnhubConnection>>();

  const open = (socket: VenueSocket, token: string): void => {
    const connection = new FinnhubConnection(socket, token, context);
    const sameKey = byKey.get(token) ?? new Set<FinnhubConnection>();
    byKey.set(token, sameKey);
    const older = [...sameKey].filter((c) => c.socket.isOpen);
    connections.add(connection);
    sameKey.add(connection);
    socket.onClosed(() => {
      connections.delete(connection);
      sameKey.delete(connection);
      if (sameKey.size === 0 && byKey.get(token) === sameKey) byKey.delete(token);
    });
    connection.start();
    if (older.length === 0) return;
    const close = (c: FinnhubConnection): void =>
      c.socket.closeWith(
        FINNHUB_DUPLICATE_CLOSE_CODE,
        FINNHUB_DUPLICATE_CLOSE_REASON,
        CloseReason.DUPLICATE_TOKEN,
      );
    for (const c of older) close(c);
    if (resolved.duplicateConnectionMode === 'close-both') close(connection);
  };

  const gateway = new VenueGateway({
    stats,
    faults,
    malformedFrames: FINNHUB_MALFORMED_FRAMES,
    verdict: (req): UpgradeVerdict => {
      const target = finnhubSocketTarget(req);
      if (!target) return { reject: 404 };
      const { token } = target;
      if (token === undefined || !apiKeys.has(token)) return { reject: 401 };
      return { accept: (socket) => open(socket, token) };
    },
  });

  return startVenueSim({
    host: resolved.host,
    port: resolved.port,
    faults,
    log,
    hub,
    feed: batchedFeed(feed, connections, resolved.batchIntervalMs),
    gateway,
    rest: restApi,
    notFound: (res) => sendText(res, 404, FinnhubRestBodies.notFound, FINNHUB_JSON_CONTENT_TYPE),
    stats: () => snapshotStats(stats),
    onReset: () => limiter.reset(),
    faultControls: (shared) => shared,
  });
}
