/**
 * Composes the Coinbase Exchange simulator: products -> feed (matches, tickers, heartbeats) ->
 * event log + hub -> connections, the public REST API and the shared /_sim/ endpoints, on one
 * port. The feed socket is `/` (wss://ws-feed.exchange.coinbase.com); REST is /products...
 * Docs: https://docs.cdp.coinbase.com/exchange/websocket-feed/overview
 */
import { EventLog } from '../event-log';
import { FaultState } from '../fault-state';
import { requestUrl } from '../http-host';
import { sendText } from '../http-responses';
import { StreamHub } from '../stream-hub';
import { VenueGateway, malformedFrames } from '../venue/venue-gateway';
import { startVenueSim } from '../venue/venue-sim';
import { snapshotStats } from '../venue/venue-stats';
import { CoinbaseConnection, type CoinbaseConnectionContext } from './connection';
import { CoinbaseFeed } from './feed';
import { resolveCoinbaseSimOptions, type CoinbaseSimOptions } from './options';
import { COINBASE_JSON_CONTENT_TYPE, CoinbaseRestApi, CoinbaseRestBodies } from './rest-api';
import { createCoinbaseStats, type CoinbaseSim } from './sim-api';

/** Frames of the malformed fault: a truncated ticker, then the shapes every venue sends. */
export const COINBASE_MALFORMED_FRAMES = malformedFrames(
  '{"type":"ticker","sequence":333938798,"product_id":"BTC-USD","price":"147',
  '{"type":"ticker","product_id":null}',
);

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
  const restApi = new CoinbaseRestApi(
    feed,
    { requestsPerSecond: resolved.restRequestsPerSecond, burst: resolved.restBurst },
    faults,
    stats,
    clock,
  );
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

  return startVenueSim({
    host: resolved.host,
    port: resolved.port,
    faults,
    log,
    hub,
    feed,
    gateway,
    rest: restApi,
    notFound: (res) => sendText(res, 404, CoinbaseRestBodies.notFound, COINBASE_JSON_CONTENT_TYPE),
    stats: () => snapshotStats(stats),
    onReset: () => restApi.reset(),
    faultControls: (shared) => shared,
  });
}
