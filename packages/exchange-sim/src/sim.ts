/**
 * Composes the simulator: markets -> feed -> event log + hub -> connections, plus the REST API
 * and the /_sim/ endpoints, all on one node:http server (WebSocket and REST share the port).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { EventLog, type SimEvent } from './event-log';
import { FaultState, REST_FAULT_STATUSES, type RestFault } from './fault-state';
import { handleSimRequest } from './faults-http';
import { sendJson, sendText } from './http-responses';
import { MarketFeed } from './market-feed';
import { SymbolMarket } from './market-state';
import { MAX_TRADES_PER_SECOND, resolveSimOptions, type SimOptions } from './options';
import { RestRateLimiter } from './rate-limiter';
import { RestApi } from './rest-api';
import type { ExchangeSim } from './sim-api';
import { createStats, type SimStats } from './stats';
import { StreamHub } from './stream-hub';
import { parseStreamName } from './stream-names';
import { WsGateway } from './ws-server';

/** How long stop() waits for clients to answer the 1001 close before cutting them. */
export const STOP_GRACE_MS = 1_000;
/**
 * Largest request head. Node's default (16 KiB) would answer 431 to a /stream URL naming 1024
 * streams; the limit must be the stream count, not the URL length.
 */
export const MAX_REQUEST_HEAD_BYTES = 128 * 1024;

function listen(server: ReturnType<typeof createServer>, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

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

  const server = createServer({ maxHeaderSize: MAX_REQUEST_HEAD_BYTES }, (req, res) => route(req, res));
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
    gateway.handleUpgrade(req, socket, head),
  );
  // Keep-alive sockets would hold server.close() open; stop() closes them explicitly.
  server.keepAliveTimeout = 5_000;

  let address: AddressInfo;
  try {
    address = await listen(server, resolved.host, resolved.port);
  } catch (error) {
    faults.stop();
    throw error;
  }
  feed.start();

  const base = `${urlHost(resolved.host)}:${address.port}`;
  let stopping: Promise<void> | undefined;

  const sim: ExchangeSim = {
    port: address.port,
    url: `http://${base}`,
    wsUrl: `ws://${base}`,
    stats(): SimStats {
      return {
        ...stats,
        wsConnections: gateway.openConnections,
        subscriptions: hub.subscriptionCount,
        restWeightUsed: limiter.usedWeight(clock()),
      };
    },
    recentEvents: (filter) => log.recent(filter),
    onEvent: (listener: (e: SimEvent) => void) => log.onEvent(listener),
    setTradesPerSecond: (tradesPerSecond) => {
      if (
        !Number.isFinite(tradesPerSecond) ||
        tradesPerSecond < 0 ||
        tradesPerSecond > MAX_TRADES_PER_SECOND
      ) {
        throw new RangeError(
          `setTradesPerSecond: must be a number in [0, ${MAX_TRADES_PER_SECOND}], got ${tradesPerSecond}`,
        );
      }
      feed.setTradesPerSecond(tradesPerSecond);
    },
    faults: {
      dropAll: (code) => gateway.dropAll(code),
      stall: (ms) => {
        if (!Number.isInteger(ms) || ms < 0)
          throw new RangeError(`stall(ms): ms must be an integer >= 0, got ${ms}`);
        faults.stall(ms);
      },
      resume: () => faults.resume(),
      sendMalformed: (count) => gateway.sendMalformed(count),
      refuseConnections: (on) => faults.refuseConnections(on),
      restFault: (fault: RestFault) => {
        if (!REST_FAULT_STATUSES.includes(fault.status)) {
          throw new RangeError(`restFault: status must be one of ${REST_FAULT_STATUSES.join(', ')}`);
        }
        if (!Number.isInteger(fault.count) || fault.count < 0) {
          throw new RangeError(`restFault: count must be an integer >= 0, got ${fault.count}`);
        }
        if (
          fault.retryAfterSec !== undefined &&
          (!Number.isInteger(fault.retryAfterSec) || fault.retryAfterSec < 0)
        ) {
          throw new RangeError(
            `restFault: retryAfterSec must be an integer >= 0, got ${fault.retryAfterSec}`,
          );
        }
        faults.setRestFault(fault);
      },
      reset: () => {
        faults.reset();
        limiter.reset();
      },
    },
    stop(): Promise<void> {
      stopping ??= (async () => {
        feed.stop();
        faults.stop();
        log.clearListeners();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        await gateway.stop(STOP_GRACE_MS);
        server.closeAllConnections();
        await closed;
      })();
      return stopping;
    },
  };

  function route(req: IncomingMessage, res: ServerResponse): void {
    // Bodies are never read; drain them so keep-alive connections stay usable.
    req.resume();
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://sim.invalid');
    } catch {
      sendText(res, 400, 'Bad Request', 'text/plain');
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      restApi.handle(req, res, url);
    } else if (url.pathname.startsWith('/_sim/')) {
      handleSimRequest(sim, req, res, url);
    } else if (url.pathname === '/ws' || url.pathname.startsWith('/ws/') || url.pathname === '/stream') {
      sendText(res, 426, 'Upgrade Required', 'text/plain', { upgrade: 'websocket' });
    } else {
      sendJson(res, 404, { error: { code: 'SIM_NOT_FOUND', message: `no route ${url.pathname}` } });
    }
  }

  return sim;
}
