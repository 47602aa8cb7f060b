/**
 * Composes the Binance simulator: markets -> feed -> event log + hub -> connections, plus the REST API
 * and the /_sim/ endpoints, all on one node:http server (WebSocket and REST share the port).
 */
import { EventLog } from '../event-log';
import { FaultState } from '../fault-state';
import { boolParam, stringParam } from '../faults-http';
import { sendJson, sendText } from '../http-responses';
import { SymbolMarket } from '../market-state';
import { RollingCounter } from '../rolling-counter';
import { StreamHub } from '../stream-hub';
import { VenueGateway, malformedFrames } from '../venue/venue-gateway';
import { startVenueSim } from '../venue/venue-sim';
import { snapshotStats } from '../venue/venue-stats';
import { BinanceConnection, type ConnectionContext } from './connection';
import { MarketFeed } from './feed';
import { resolveSimOptions, type SimOptions } from './options';
import { RestApi } from './rest-api';
import { RestRateLimiter } from './rest-limits';
import type { ExchangeSim } from './sim-api';
import { createStats, type SimStats } from './stats';
import { parseStreamName } from './stream-names';
import { isSocketPath, routeOf } from './stream-routes';
import { SymbolSilence } from './symbol-silence';

/**
 * Largest request head. Node's default (16 KiB) would answer 431 to a /stream URL naming 1024
 * streams; the limit must be the stream count, not the URL length.
 */
export const MAX_REQUEST_HEAD_BYTES = 128 * 1024;
/** Window of the connection-attempt counter ("300 connections per attempt every 5 minutes per IP"). */
export const CONNECTION_ATTEMPT_WINDOW_MS = 5 * 60_000;

/** Frames of the malformed fault: a truncated trade, then the shapes every venue sends. */
export const MALFORMED_FRAMES = malformedFrames(
  '{"stream":"btcusdt@trade","data":{"e":"trade","E":17000000',
  '{"stream":"btcusdt@trade","data":null}',
);

/**
 * Starts a Binance Spot simulator and resolves once it listens. Throws SimOptionsError for
 * invalid options (listing every problem) and the listen error (e.g. EADDRINUSE) otherwise,
 * having undone everything it started.
 */
export async function startExchangeSim(options: SimOptions = {}): Promise<ExchangeSim> {
  const resolved = resolveSimOptions(options);
  const clock = Date.now;
  const startedAt = clock();
  const markets = resolved.symbols.map(
    (spec) => new SymbolMarket(spec, resolved.seed, startedAt, resolved.tradesPerSecond),
  );
  const symbolSet: ReadonlySet<string> = new Set(markets.map((m) => m.spec.symbol));
  const stats = createStats();
  const faults = new FaultState();
  const log = new EventLog();
  const feed = new MarketFeed(
    markets,
    resolved,
    (stream, payload, now) => {
      const json = JSON.stringify(payload);
      log.record({ stream, data: payload, json, sentAt: now });
      hub.publish(stream, json);
    },
    clock,
  );
  const hub = new StreamHub(() => faults.stalled, feed);
  const limiter = new RestRateLimiter({
    weightLimit: resolved.restWeightLimitPerMinute,
    windowMs: resolved.weightWindowMs,
    banAfter429s: resolved.banAfter429s,
    banMs: resolved.banMs,
  });
  const restApi = new RestApi(markets, limiter, faults, stats, resolved.restWeightLimitPerMinute, clock);
  const context: ConnectionContext = {
    options: resolved,
    hub,
    stats,
    faults,
    isKnownStream: (name) => parseStreamName(name, symbolSet) !== undefined,
    clock,
  };
  const silence = new SymbolSilence();
  const attempts = new RollingCounter(CONNECTION_ATTEMPT_WINDOW_MS);
  const gateway = new VenueGateway({
    stats,
    faults,
    malformedFrames: MALFORMED_FRAMES,
    onUpgradeRequest: () => attempts.add(clock()),
    verdict: (req) => {
      const route = routeOf(req.url ?? '/');
      if (!route) return { reject: 404 };
      return {
        accept: (socket) => {
          const connection = new BinanceConnection(socket, context, route);
          silence.track(connection);
          connection.start();
        },
      };
    },
  });

  const silenceSymbol = (symbol: string, on: boolean): void => {
    const upper = typeof symbol === 'string' ? symbol.toUpperCase() : '';
    if (!symbolSet.has(upper)) {
      throw new RangeError(
        `silenceSymbol: ${JSON.stringify(symbol)} is not simulated; use one of ${[...symbolSet].join(', ')}`,
      );
    }
    silence.set(upper, on);
  };

  return startVenueSim({
    host: resolved.host,
    port: resolved.port,
    maxHeaderSize: MAX_REQUEST_HEAD_BYTES,
    faults,
    log,
    hub,
    feed,
    gateway,
    rest: restApi,
    notFound: (res, url) => {
      if (isSocketPath(url.pathname)) {
        sendText(res, 426, 'Upgrade Required', 'text/plain', { upgrade: 'websocket' });
      } else {
        sendJson(res, 404, { error: { code: 'SIM_NOT_FOUND', message: `no route ${url.pathname}` } });
      }
    },
    stats: (): SimStats => {
      const now = clock();
      return {
        ...snapshotStats(stats),
        connectionsOpen: gateway.openConnections,
        connectionAttemptsLast5m: attempts.count(now),
        controlFramesByMethod: { ...stats.controlFramesByMethod },
        silencedSymbols: silence.silenced,
        subscriptions: hub.subscriptionCount,
        restWeightUsed: limiter.usedWeight(now),
      };
    },
    onReset: () => {
      limiter.reset();
      silence.clear();
    },
    faultControls: (shared) => ({ ...shared, silenceSymbol }),
    simEndpoints: {
      post: {
        '/_sim/silence': (url) => silenceSymbol(stringParam(url, 'symbol'), boolParam(url, 'on')),
      },
    },
  });
}
