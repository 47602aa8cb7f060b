/**
 * Composes the Coinbase Exchange simulator: products -> feed (matches, tickers, heartbeats) ->
 * event log + hub -> connections, the public REST API and the shared /_sim/ endpoints, on one
 * port. The feed socket is `/` (wss://ws-feed.exchange.coinbase.com); REST is /products...
 * Docs: https://docs.cdp.coinbase.com/exchange/websocket-feed/overview
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EventLog } from '../event-log';
import { checkTradesPerSecond, createFaultControls } from '../fault-controls';
import { FaultState } from '../fault-state';
import { handleSimRequest } from '../faults-http';
import { STOP_GRACE_MS, requestUrl, startHttpHost, type HttpHost } from '../http-host';
import { sendText } from '../http-responses';
import { StreamHub } from '../stream-hub';
import { VenueGateway } from '../venue/venue-gateway';
import { snapshotStats } from '../venue/venue-stats';
import { CoinbaseConnection, type CoinbaseConnectionContext } from './connection';
import { CoinbaseFeed } from './feed';
import { resolveCoinbaseSimOptions, type CoinbaseSimOptions } from './options';
import { COINBASE_JSON_CONTENT_TYPE, CoinbaseRestApi, CoinbaseRestBodies } from './rest-api';
import { createCoinbaseStats, type CoinbaseSim } from './sim-api';

/**
 * Frames of the malformed fault, sent in turn: a truncated ticker, non-JSON text, an empty
 * frame, and valid JSON of the wrong shape. Parsers must survive all of them.
 */
export const COINBASE_MALFORMED_FRAMES: readonly string[] = [
  '{"type":"ticker","sequence":333938798,"product_id":"BTC-USD","price":"147',
  '<html><body>upstream error</body></html>',
  '',
  '{"type":"ticker","product_id":null}',
];

/**
 * Starts a Coinbase Exchange simulator and resolves once it listens. Throws SimOptionsError for
 * invalid options (listing every problem) and the listen error otherwise, having undone what
 * it started.
 */
export async function startCoinbaseSim(options: CoinbaseSimOptions = {}): Promise<CoinbaseSim> {
  const resolved = resolveCoinbaseSimOptions(options);
  const clock = Date.now;
  const stats = createCoinbaseStats();
  const faults = new FaultState();
  // Streams are `<channel>:<product>`: a symbol (product id) filter takes every channel.
  const log = new EventLog((stream, productId) => stream.endsWith(`:${productId}`));
  const hub = new StreamHub(() => faults.stalled);
  const feed = new CoinbaseFeed(
    resolved,
    clock(),
    (message, now) => {
      log.record({ stream: message.stream, data: message.payload, json: message.json, sentAt: now });
      hub.publish(message.stream, message.json);
    },
    clock,
  );
  const restApi = new CoinbaseRestApi(feed, resolved.restRequestsPerSecond, faults, stats, clock);
  const context: CoinbaseConnectionContext = { options: resolved, feed, hub, stats, faults, clock };
  const gateway = new VenueGateway({
    stats,
    faults,
    malformedFrames: COINBASE_MALFORMED_FRAMES,
    verdict: (req) =>
      requestUrl(req)?.pathname === '/'
        ? { accept: (socket) => new CoinbaseConnection(socket, context).start() }
        : { reject: 404 },
  });

  let host: HttpHost;
  try {
    host = await startHttpHost({
      host: resolved.host,
      port: resolved.port,
      route: (req, res) => route(req, res),
      upgrade: (req, socket, head) => gateway.handleUpgrade(req, socket, head),
    });
  } catch (error) {
    faults.stop();
    throw error;
  }
  feed.start();

  let stopping: Promise<void> | undefined;
  const sim: CoinbaseSim = {
    port: host.port,
    url: host.url,
    wsUrl: host.wsUrl,
    stats: () => snapshotStats(stats),
    subscriptions: () => hub.streamCounts(),
    recentEvents: (filter) => log.recent(filter),
    onEvent: (listener) => log.onEvent(listener),
    setTradesPerSecond: (tradesPerSecond) => {
      checkTradesPerSecond(tradesPerSecond);
      feed.setTradesPerSecond(tradesPerSecond);
    },
    faults: createFaultControls({
      state: faults,
      dropAll: (code) => gateway.dropAll(code),
      sendMalformed: (count) => gateway.sendMalformed(count),
      onReset: () => restApi.reset(),
    }),
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
    } else if (CoinbaseRestApi.serves(url.pathname)) {
      restApi.handle(req, res, url);
    } else if (url.pathname.startsWith('/_sim/')) {
      handleSimRequest(sim, req, res, url);
    } else {
      sendText(res, 404, CoinbaseRestBodies.notFound, COINBASE_JSON_CONTENT_TYPE);
    }
  }

  return sim;
}
