/**
 * The one assembly of every simulator: the exchange's components (feed, event log, hub, REST
 * API, WebSocket gateway) served on one port with the shared /_sim/ endpoints, and the handle
 * that tests drive. An exchange's start function builds its components and hands them here;
 * what differs between exchanges is only what the spec carries.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventLog } from '../event-log';
import { checkTradesPerSecond, createFaultControls, type SimFaults } from '../fault-controls';
import type { FaultState } from '../fault-state';
import { handleSimRequest, type SimHttpExtensions } from '../faults-http';
import { STOP_GRACE_MS, requestUrl, startHttpHost, type HttpHost } from '../http-host';
import { sendText } from '../http-responses';
import type { StreamHub } from '../stream-hub';
import type { VenueGateway } from './venue-gateway';
import type { VenueSim } from './venue-sim-api';
import type { VenueSimStats } from './venue-stats';

/** The market-data generator: started once the port listens, stopped first. */
export interface VenueFeed {
  start(): void;
  stop(): void;
  /** Already checked against [0, MAX_TRADES_PER_SECOND]. */
  setTradesPerSecond(tradesPerSecond: number): void;
}

/** The exchange's public REST API. */
export interface VenueRestApi {
  /** Whether `pathname` belongs to the API (anything else that is not /_sim/ gets `notFound`). */
  serves(pathname: string): boolean;
  handle(req: IncomingMessage, res: ServerResponse, url: URL): void;
}

export interface VenueSpec<S extends VenueSimStats, F extends SimFaults> {
  readonly host: string;
  readonly port: number;
  /** Largest request head in bytes; Node's default when absent. */
  readonly maxHeaderSize?: number;
  readonly faults: FaultState;
  readonly log: EventLog;
  readonly hub: StreamHub;
  readonly feed: VenueFeed;
  readonly gateway: VenueGateway;
  readonly rest: VenueRestApi;
  /** Answers a path that is neither the REST API nor /_sim/, as the exchange does. */
  readonly notFound: (res: ServerResponse, url: URL) => void;
  /** A snapshot of the counters. */
  readonly stats: () => S;
  /** The exchange's own state that faults.reset() clears (REST budgets, silences...). */
  readonly onReset: () => void;
  /** The handle's faults: the shared ones, plus the exchange's own. */
  readonly faultControls: (shared: SimFaults) => F;
  /** The exchange's own /_sim/ endpoints. */
  readonly simEndpoints?: SimHttpExtensions;
}

/**
 * Listens, starts the feed and resolves with the handle. Throws the listen error (e.g.
 * EADDRINUSE) having stopped the fault timers; nothing else has started by then.
 */
export async function startVenueSim<S extends VenueSimStats, F extends SimFaults>(
  spec: VenueSpec<S, F>,
): Promise<VenueSim<S, F>> {
  const { faults, log, hub, feed, gateway, rest } = spec;
  let host: HttpHost;
  try {
    host = await startHttpHost({
      host: spec.host,
      port: spec.port,
      maxHeaderSize: spec.maxHeaderSize,
      route: (req, res) => route(req, res),
      upgrade: (req, socket, head) => gateway.handleUpgrade(req, socket, head),
    });
  } catch (error) {
    faults.stop();
    throw error;
  }
  feed.start();

  let stopping: Promise<void> | undefined;
  const sim: VenueSim<S, F> = {
    port: host.port,
    url: host.url,
    wsUrl: host.wsUrl,
    stats: spec.stats,
    subscriptions: () => hub.streamCounts(),
    recentEvents: (filter) => log.recent(filter),
    onEvent: (listener) => log.onEvent(listener),
    setTradesPerSecond: (tradesPerSecond) => {
      checkTradesPerSecond(tradesPerSecond);
      feed.setTradesPerSecond(tradesPerSecond);
    },
    faults: spec.faultControls(
      createFaultControls({
        state: faults,
        dropAll: (code) => gateway.dropAll(code),
        sendMalformed: (count) => gateway.sendMalformed(count),
        onReset: spec.onReset,
      }),
    ),
    stop(): Promise<void> {
      stopping ??= (async () => {
        feed.stop();
        faults.stop();
        log.clearListeners();
        await host.close(() => gateway.stop(STOP_GRACE_MS));
      })();
      return stopping;
    },
  };

  function route(req: IncomingMessage, res: ServerResponse): void {
    // Bodies are never read; drain them so keep-alive connections stay usable.
    req.resume();
    const url = requestUrl(req);
    if (!url) {
      sendText(res, 400, 'Bad Request', 'text/plain');
    } else if (rest.serves(url.pathname)) {
      rest.handle(req, res, url);
    } else if (url.pathname.startsWith('/_sim/')) {
      handleSimRequest(sim, req, res, url, spec.simEndpoints);
    } else {
      spec.notFound(res, url);
    }
  }

  return sim;
}
