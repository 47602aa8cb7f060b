/**
 * Composes the Massive simulator: tickers -> feed -> event log + hub -> connections (array
 * frames mixing T, Q and AM), the REST API and the shared /_sim/ endpoints, on one port. The
 * socket is `/stocks` (wss://socket.massive.com/stocks or wss://delayed.massive.com/stocks, as
 * `feed` says); any key may open it, auth happens in-band. One connection per account and
 * cluster: when a second connection of a key authenticates, the OLDER one gets
 * `max_connections` and is closed, and the newcomer keeps streaming (exchanges.md 5.7 [INFER]).
 */
import { EventLog } from '../event-log';
import { FaultState } from '../fault-state';
import { FinnhubRateLimiter } from '../finnhub/rest-limits';
import { requestUrl } from '../http-host';
import { sendText } from '../http-responses';
import { StreamHub } from '../stream-hub';
import { VenueGateway, type UpgradeVerdict, malformedFrames } from '../venue/venue-gateway';
import { batchedFeed } from '../venue/batched-feed';
import { startVenueSim } from '../venue/venue-sim';
import { CloseReason, snapshotStats } from '../venue/venue-stats';
import { MassiveConnection, type MassiveConnectionContext } from './connection';
import { MassiveFeed } from './feed';
import { MASSIVE_DELAY_MS, resolveMassiveSimOptions, type MassiveSimOptions } from './options';
import { MassiveStatus } from './payloads';
import { MASSIVE_JSON_CONTENT_TYPE, MassiveRestApi } from './rest-api';
import { MassiveRestBodies } from './payloads';
import { createMassiveStats, type MassiveSim, type MassiveSimStats } from './sim-api';

/** Frames of the malformed fault: a truncated event array, then the shapes every venue sends. */
export const MASSIVE_MALFORMED_FRAMES = malformedFrames('[{"ev":"T","sym":"AAPL","p":190.1', '{"ev":"T"}');

/** The socket path of the stocks cluster. */
export const MASSIVE_STOCKS_PATH = '/stocks';

/** A per-second ceiling far above any test, so paid plans are "unlimited". */
const UNLIMITED_PER_SECOND = 1_000_000_000;

/**
 * Starts a Massive simulator and resolves once it listens. Throws SimOptionsError for invalid
 * options (listing every problem) and the listen error otherwise.
 */
export async function startMassiveSim(options: MassiveSimOptions = {}): Promise<MassiveSim> {
  const resolved = resolveMassiveSimOptions(options);
  const clock = Date.now;
  const stats: MassiveSimStats = createMassiveStats();
  const faults = new FaultState();
  let marketOpen = resolved.marketOpen;
  const log = new EventLog((stream, symbol) => stream.slice(stream.indexOf('.') + 1) === symbol);
  const hub = new StreamHub(() => faults.stalled);
  const feed = new MassiveFeed(
    resolved.stocks,
    resolved.seed,
    clock(),
    resolved.tradesPerSecond,
    {
      aggregateWindowMs: resolved.aggregateWindowMs,
      delayMs: resolved.feed === 'delayed' ? MASSIVE_DELAY_MS : 0,
      marketOpen: () => marketOpen,
    },
    (stream, json, now) => {
      log.record({ stream, data: JSON.parse(json) as unknown, json, sentAt: now });
      hub.publish(stream, json);
    },
    clock,
  );
  const apiKeys: ReadonlySet<string> = new Set(resolved.apiKeys);
  const limiter =
    resolved.plan === 'basic'
      ? new FinnhubRateLimiter(resolved.freeCallsPerMinute, UNLIMITED_PER_SECOND)
      : undefined;
  const restApi = new MassiveRestApi({
    tickers: feed.tickers,
    apiKeys,
    plan: resolved.plan,
    limiter,
    faults,
    stats,
    marketOpen: () => marketOpen,
    referencePageSize: resolved.referencePageSize,
    clock,
  });
  const connections = new Set<MassiveConnection>();

  const context: MassiveConnectionContext = {
    options: resolved,
    hub,
    stats,
    faults,
    // "Q lists only realtime": the delayed host has no quotes.
    prefixes: new Set(resolved.feed === 'realtime' ? ['T', 'Q', 'A', 'AM'] : ['T', 'A', 'AM']),
    refusal: (key) => {
      if (!apiKeys.has(key)) return MassiveStatus.authFailed;
      if (resolved.plan === 'basic') return MassiveStatus.noWebSocketAccess;
      if (resolved.feed === 'realtime' && resolved.plan !== 'advanced') return MassiveStatus.noRealtimeAccess;
      return undefined;
    },
    onAuthenticated: (newcomer) => {
      for (const older of connections) {
        if (older === newcomer || older.key !== newcomer.key || !older.socket.isOpen) continue;
        stats.maxConnectionsClosed += 1;
        older.closeWithStatus(MassiveStatus.maxConnections, 'max connections', CloseReason.MAX_CONNECTIONS);
      }
    },
  };

  const gateway = new VenueGateway({
    stats,
    faults,
    malformedFrames: MASSIVE_MALFORMED_FRAMES,
    verdict: (req): UpgradeVerdict => {
      if (requestUrl(req)?.pathname !== MASSIVE_STOCKS_PATH) return { reject: 404 };
      return {
        accept: (socket) => {
          const connection = new MassiveConnection(socket, context);
          connections.add(connection);
          socket.onClosed(() => connections.delete(connection));
          connection.start();
        },
      };
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
    notFound: (res) => sendText(res, 404, MassiveRestBodies.notFound, MASSIVE_JSON_CONTENT_TYPE),
    stats: () => snapshotStats(stats),
    onReset: () => {
      limiter?.reset();
      marketOpen = resolved.marketOpen;
    },
    faultControls: (shared) => ({
      ...shared,
      slowConsumer: () => {
        for (const connection of [...connections]) {
          if (connection.key === undefined) continue;
          stats.slowConsumersCut += 1;
          connection.closeWithStatus(MassiveStatus.slowConsumer, 'slow consumer', CloseReason.SLOW_CONSUMER);
        }
      },
      setMarketOpen: (open) => {
        marketOpen = open;
      },
    }),
    simEndpoints: {
      post: {
        '/_sim/massive/market': (url) => {
          marketOpen = url.searchParams.get('open') !== 'false';
        },
      },
    },
  });
}
