/**
 * The Finnhub REST endpoints the platform uses (exchanges.md 2.2), answered from the same
 * market state as the socket:
 *   GET /api/v1/quote?symbol=AAPL                 quote, `t` in epoch SECONDS
 *   GET /api/v1/stock/symbol?exchange=US          the simulated US stocks
 *   GET /api/v1/crypto/symbol?exchange=binance    the simulated crypto pairs of that venue
 *   GET /api/v1/forex/symbol?exchange=oanda       the simulated FX pairs of that venue
 *   GET /api/v1/<stock|crypto|forex>/candle       403 on the free plan, else candles (./candles.ts)
 *   GET /api/v1/forex/rates?base=EUR              403 on the free plan, else rates (./forex-rates.ts)
 * The API key comes as `token=` or the X-Finnhub-Token header (401 otherwise); every answered
 * call carries X-RateLimit-Limit/-Remaining/-Reset, and no Retry-After (none is documented).
 * Docs: https://finnhub.io/docs/api/quote and https://finnhub.io/docs/api/rate-limit
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultState, RestFaultStatus } from '../fault-state';
import { BAD_GATEWAY_HTML, sendText } from '../http-responses';
import type { VenueRestApi } from '../venue/venue-sim';
import { FINNHUB_CANDLE_ROUTES, finnhubCandlesAnswer, type FinnhubCandleAccess } from './candles';
import { finnhubForexRatesAnswer } from './forex-rates';
import type { FinnhubMarket } from './feed';
import type { FinnhubInstrumentKind } from './instruments';
import { UNKNOWN_SYMBOL_QUOTE_BODY, quoteBody } from './payloads';
import type { FinnhubRateDecision, FinnhubRateLimiter } from './rest-limits';
import type { FinnhubSimStats } from './sim-api';

/** The REST header that carries the API key. */
export const FINNHUB_TOKEN_HEADER = 'x-finnhub-token';
/** Content type of Finnhub's JSON answers. */
export const FINNHUB_JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** Error bodies (Finnhub answers errors as `{"error":"<text>"}`). */
export const FinnhubRestBodies = {
  invalidKey: '{"error":"Invalid API key"}',
  limitReached: '{"error":"API limit reached. Please try again later. Remaining Limit: 0"}',
  notFound: '{"error":"Not found"}',
  internal: '{"error":"Internal server error"}',
  unavailable: '{"error":"Service unavailable"}',
  teapot: '{"error":"Too many requests"}',
} as const;

/** A route's answer: a 200 body, or a status and body. */
type Route = (api: FinnhubRestApi, url: URL, now: number) => string | { status: number; body: string };

const LISTING_ROUTES: Readonly<Record<string, FinnhubInstrumentKind>> = {
  '/api/v1/stock/symbol': 'stock',
  '/api/v1/crypto/symbol': 'crypto',
  '/api/v1/forex/symbol': 'forex',
};

const ROUTES: Readonly<Record<string, Route>> = {
  '/api/v1/quote': (api, url, now) => api.quote(url.searchParams.get('symbol') ?? '', now),
  '/api/v1/forex/rates': (api, url, now) => api.forexRates(url, now),
  ...Object.fromEntries(
    Object.entries(LISTING_ROUTES).map(([path, kind]): [string, Route] => [
      path,
      (api, url) => api.listing(kind, url.searchParams.get('exchange') ?? ''),
    ]),
  ),
  ...Object.fromEntries(
    Object.entries(FINNHUB_CANDLE_ROUTES).map(([path, kind]): [string, Route] => [
      path,
      (api, url) => api.candles(kind, url),
    ]),
  ),
};

function rateHeaders(decision: FinnhubRateDecision): Record<string, number> {
  return {
    'x-ratelimit-limit': decision.limit,
    'x-ratelimit-remaining': decision.remaining,
    'x-ratelimit-reset': decision.resetEpochSec,
  };
}

export class FinnhubRestApi implements VenueRestApi {
  constructor(
    private readonly markets: ReadonlyMap<string, FinnhubMarket>,
    private readonly apiKeys: ReadonlySet<string>,
    private readonly limiter: FinnhubRateLimiter,
    private readonly faults: FaultState,
    private readonly stats: FinnhubSimStats,
    private readonly candleAccess: FinnhubCandleAccess,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Whether this API serves `path` (the rest of the port is WebSocket and /_sim/). */
  serves(path: string): boolean {
    return path.startsWith('/api/');
  }

  /** Answers one request under /api/. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): void {
    this.stats.restRequests += 1;
    const now = this.clock();
    const route = ROUTES[url.pathname];
    if (!route) {
      sendText(res, 404, FinnhubRestBodies.notFound, FINNHUB_JSON_CONTENT_TYPE);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendText(res, 405, 'Method Not Allowed', 'text/plain', { allow: 'GET' });
      return;
    }
    const header = req.headers[FINNHUB_TOKEN_HEADER];
    const token = url.searchParams.get('token') ?? (typeof header === 'string' ? header : undefined);
    if (token === undefined || !this.apiKeys.has(token)) {
      this.stats.rest401 += 1;
      sendText(res, 401, FinnhubRestBodies.invalidKey, FINNHUB_JSON_CONTENT_TYPE);
      return;
    }
    const injected = this.faults.takeRestFault();
    if (injected) {
      this.sendInjected(res, injected.status, injected.retryAfterSec, this.limiter.peek(token, now));
      return;
    }
    const decision = this.limiter.admit(token, now);
    if (!decision.admitted) {
      this.stats.rest429 += 1;
      sendText(res, 429, FinnhubRestBodies.limitReached, FINNHUB_JSON_CONTENT_TYPE, rateHeaders(decision));
      return;
    }
    const answer = route(this, url, now);
    const { status, body } = typeof answer === 'string' ? { status: 200, body: answer } : answer;
    sendText(res, status, body, FINNHUB_JSON_CONTENT_TYPE, rateHeaders(decision));
  }

  /** A candle answer of `kind`'s endpoint (403 on a plan without candles). */
  candles(kind: FinnhubInstrumentKind, url: URL): { status: number; body: string } {
    return finnhubCandlesAnswer(this.candleAccess, kind, this.markets, url);
  }

  /** The forex rates answer (403 on a plan without premium endpoints). */
  forexRates(url: URL, now: number): { status: number; body: string } {
    return finnhubForexRatesAnswer(this.candleAccess, this.markets, url, now);
  }

  /** The quote body of `symbol`; Finnhub's all-zero 200 body for a symbol it does not know. */
  quote(symbol: string, now: number): string {
    const found = this.markets.get(symbol);
    if (!found) return UNKNOWN_SYMBOL_QUOTE_BODY;
    return quoteBody(found.market.snapshot(now), found.market.lastEventTime);
  }

  /** The listing of `kind` for `exchange` (case-insensitive); an unknown exchange lists nothing. */
  listing(kind: FinnhubInstrumentKind, exchange: string): string {
    const wanted = exchange.toLowerCase();
    const entries = [...this.markets.values()]
      .map((m) => m.instrument)
      .filter((i) => i.kind === kind && i.exchange === wanted)
      .map((i) => i.listing);
    return JSON.stringify(entries);
  }

  private sendInjected(
    res: ServerResponse,
    status: RestFaultStatus,
    retryAfterSec: number | undefined,
    budget: FinnhubRateDecision,
  ): void {
    const headers: Record<string, number> = rateHeaders(budget);
    // Finnhub sends no Retry-After; an injected fault adds one only when it asks for it.
    if (retryAfterSec !== undefined) headers['retry-after'] = retryAfterSec;
    switch (status) {
      case 429:
        this.stats.rest429 += 1;
        headers['x-ratelimit-remaining'] = 0;
        sendText(res, 429, FinnhubRestBodies.limitReached, FINNHUB_JSON_CONTENT_TYPE, headers);
        return;
      case 418:
        sendText(res, 418, FinnhubRestBodies.teapot, FINNHUB_JSON_CONTENT_TYPE, headers);
        return;
      case 502:
        sendText(res, 502, BAD_GATEWAY_HTML, 'text/html', headers);
        return;
      case 503:
        sendText(res, 503, FinnhubRestBodies.unavailable, FINNHUB_JSON_CONTENT_TYPE, headers);
        return;
      case 500:
        sendText(res, 500, FinnhubRestBodies.internal, FINNHUB_JSON_CONTENT_TYPE, headers);
        return;
    }
  }
}
