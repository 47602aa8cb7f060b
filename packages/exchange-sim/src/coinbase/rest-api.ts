/**
 * The Coinbase Exchange public REST endpoints the platform uses, answered from the same feed
 * state as the socket:
 *   GET /products                 every listed product
 *   GET /products/<id>            one product (404 {"message":"NotFound"} when not listed)
 *   GET /products/<id>/ticker     last trade, best bid/ask and 24 h volume, all strings
 *   GET /products/<id>/candles    past candles, newest first (./candles.ts)
 * Public endpoints share one limit per IP, a lazy-fill token bucket: `restRequestsPerSecond`
 * refilled each second, up to `restBurst` at once; beyond it 429
 * {"message":"Public rate limit exceeded"} (refused requests take no token).
 * Docs: https://docs.cdp.coinbase.com/api-reference/exchange-api/rest-api/products/get-product-ticker
 * and https://docs.cdp.coinbase.com/exchange/rest-api/rate-limits
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultState, RestFaultStatus } from '../fault-state';
import { BAD_GATEWAY_HTML, sendText } from '../http-responses';
import { LazyTokenBucket } from '../lazy-token-bucket';
import type { VenueRestApi } from '../venue/venue-sim';
import { candlesAnswer } from './candles';
import type { CoinbaseFeed } from './feed';
import { restTickerBody } from './payloads';
import type { CoinbaseSimStats } from './sim-api';

/** Content type of Coinbase's JSON answers. */
export const COINBASE_JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** Error bodies (Coinbase answers errors as `{"message":"<text>"}`). */
export const CoinbaseRestBodies = {
  notFound: '{"message":"NotFound"}',
  rateLimited: '{"message":"Public rate limit exceeded"}',
  internal: '{"message":"Internal server error"}',
  unavailable: '{"message":"Service Unavailable"}',
  teapot: '{"message":"Too many requests"}',
} as const;

const PRODUCT_PATH_RE = /^\/products\/([^/]+)(?:\/(ticker|candles))?$/;

export class CoinbaseRestApi implements VenueRestApi {
  private readonly bucket: LazyTokenBucket;

  constructor(
    private readonly feed: CoinbaseFeed,
    limit: { requestsPerSecond: number; burst: number },
    private readonly faults: FaultState,
    private readonly stats: CoinbaseSimStats,
    private readonly clock: () => number = Date.now,
  ) {
    this.bucket = new LazyTokenBucket(limit.requestsPerSecond, limit.burst);
  }

  /** Whether this API serves `path` (the rest of the port is WebSocket and /_sim/). */
  serves(path: string): boolean {
    return path === '/products' || path.startsWith('/products/');
  }

  /** Answers one request under /products. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): void {
    this.stats.restRequests += 1;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendText(res, 405, 'Method Not Allowed', 'text/plain', { allow: 'GET' });
      return;
    }
    const injected = this.faults.takeRestFault();
    if (injected) {
      this.sendInjected(res, injected.status, injected.retryAfterSec);
      return;
    }
    const now = this.clock();
    if (!this.bucket.take(now)) {
      this.stats.rest429 += 1;
      sendText(res, 429, CoinbaseRestBodies.rateLimited, COINBASE_JSON_CONTENT_TYPE);
      return;
    }
    const answer = this.answer(url, now);
    if (answer === undefined) sendText(res, 404, CoinbaseRestBodies.notFound, COINBASE_JSON_CONTENT_TYPE);
    else sendText(res, answer.status, answer.body, COINBASE_JSON_CONTENT_TYPE);
  }

  /** Refills the token bucket (the reset fault). */
  reset(): void {
    this.bucket.reset();
  }

  private answer(url: URL, now: number): { status: number; body: string } | undefined {
    if (url.pathname === '/products') {
      return {
        status: 200,
        body: JSON.stringify([...this.feed.products.values()].map((f) => f.product.listing)),
      };
    }
    const match = PRODUCT_PATH_RE.exec(url.pathname);
    const feed = match ? this.feed.products.get(match[1] ?? '') : undefined;
    if (!match || !feed) return undefined;
    switch (match[2]) {
      case undefined:
        return { status: 200, body: JSON.stringify(feed.product.listing) };
      case 'ticker':
        return {
          status: 200,
          body: restTickerBody(feed.lastTicker.payload, feed.market.snapshot(now).stats.volume),
        };
      default:
        return candlesAnswer(feed.product, feed.market, url, now);
    }
  }

  private sendInjected(
    res: ServerResponse,
    status: RestFaultStatus,
    retryAfterSec: number | undefined,
  ): void {
    const headers: Record<string, number> = {};
    if (retryAfterSec !== undefined) headers['retry-after'] = retryAfterSec;
    switch (status) {
      case 429:
        this.stats.rest429 += 1;
        sendText(res, 429, CoinbaseRestBodies.rateLimited, COINBASE_JSON_CONTENT_TYPE, headers);
        return;
      case 418:
        sendText(res, 418, CoinbaseRestBodies.teapot, COINBASE_JSON_CONTENT_TYPE, headers);
        return;
      case 502:
        sendText(res, 502, BAD_GATEWAY_HTML, 'text/html', headers);
        return;
      case 503:
        sendText(res, 503, CoinbaseRestBodies.unavailable, COINBASE_JSON_CONTENT_TYPE, headers);
        return;
      case 500:
        sendText(res, 500, CoinbaseRestBodies.internal, COINBASE_JSON_CONTENT_TYPE, headers);
        return;
    }
  }
}
