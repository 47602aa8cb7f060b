/**
 * Composes the Binance simulator: markets -> feed -> event log + hub -> connections, plus the REST API
 * and the /_sim/ endpoints, all on one node:http server (WebSocket and REST share the port).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EventLog, type SimEvent } from './event-log';
import { checkTradesPerSecond, createFaultControls } from './fault-controls';
import { FaultState } from './fault-state';
import { boolParam, handleSimRequest, stringParam, type SimHttpExtensions } from './faults-http';
import { STOP_GRACE_MS, requestUrl, startHttpHost, type HttpHost } from './http-host';
import { sendJson, sendText } from './http-responses';
import { MarketFeed } from './market-feed';
import { SymbolMarket } from './market-state';
import { resolveSimOptions, type SimOptions } from './options';
import { RestRateLimiter } from './rate-limiter';
import { RestApi } from './rest-api';
import type { ExchangeSim } from './sim-api';
import { createStats, type SimStats } from './stats';
import { StreamHub } from './stream-hub';
import { parseStreamName } from './stream-names';
import { WsGateway } from './ws-server';

export { STOP_GRACE_MS } from './http-host';
/**
 * Largest request head. Node's default (16 KiB) would answer 431 to a /stream URL naming 1024
 * streams; the limit must be the stream count, not the URL length.
 */
export const MAX_REQUEST_HEAD_BYTES = 128 * 1024;

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
  const gateway = new WsGateway({
    options: resolved,
    hub,
    stats,
    faults,
    isKnownStream: (name) => parseStreamName(name, symbolSet) !== undefined,
    clock,
  });

  const silenceSymbol = (symbol: string, on: boolean): void => {
    const upper = typeof symbol === 'string' ? symbol.toUpperCase() : '';
    if (!symbolSet.has(upper)) {
      throw new RangeError(
        `silenceSymbol: ${JSON.stringify(symbol)} is not simulated; use one of ${[...symbolSet].join(', ')}`,
      );
    }
    gateway.silenceSymbol(upper, on);
  };
  const extensions: SimHttpExtensions = {
    post: {
      '/_sim/silence': (url) => silenceSymbol(stringParam(url, 'symbol'), boolParam(url, 'on')),
    },
  };

  let host: HttpHost;
  try {
    host = await startHttpHost({
      host: resolved.host,
      port: resolved.port,
      maxHeaderSize: MAX_REQUEST_HEAD_BYTES,
      route: (req, res) => route(req, res),
      upgrade: (req, socket, head) => gateway.handleUpgrade(req, socket, head),
    });
  } catch (error) {
    faults.stop();
    throw error;
  }
  feed.start();

  let stopping: Promise<void> | undefined;

  const sim: ExchangeSim = {
    port: host.port,
    url: host.url,
    wsUrl: host.wsUrl,
    stats(): SimStats {
      const now = clock();
      return {
        ...stats,
        wsConnections: gateway.openConnections,
        connectionsOpen: gateway.openConnections,
        connectionAttemptsLast5m: gateway.connectionAttempts(now),
        controlFramesByMethod: { ...stats.controlFramesByMethod },
        silencedSymbols: gateway.silenced,
        subscriptions: hub.subscriptionCount,
        restWeightUsed: limiter.usedWeight(now),
      };
    },
    subscriptions: () => hub.streamCounts(),
    recentEvents: (filter) => log.recent(filter),
    onEvent: (listener: (e: SimEvent) => void) => log.onEvent(listener),
    setTradesPerSecond: (tradesPerSecond) => {
      checkTradesPerSecond(tradesPerSecond);
      feed.setTradesPerSecond(tradesPerSecond);
    },
    faults: {
      ...createFaultControls({
        state: faults,
        dropAll: (code) => gateway.dropAll(code),
        sendMalformed: (count) => gateway.sendMalformed(count),
        onReset: () => {
          limiter.reset();
          gateway.clearSilences();
        },
      }),
      silenceSymbol,
    },
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
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      restApi.handle(req, res, url);
    } else if (url.pathname.startsWith('/_sim/')) {
      handleSimRequest(sim, req, res, url, extensions);
    } else if (url.pathname === '/ws' || url.pathname.startsWith('/ws/') || url.pathname === '/stream') {
      sendText(res, 426, 'Upgrade Required', 'text/plain', { upgrade: 'websocket' });
    } else {
      sendJson(res, 404, { error: { code: 'SIM_NOT_FOUND', message: `no route ${url.pathname}` } });
    }
  }

  return sim;
}
