/**
 * The Massive REST endpoints the relay uses (exchanges.md Part B 5.8-5.12), answered from the
 * same market as the socket:
 *   GET /v2/snapshot/locale/us/markets/stocks/tickers?tickers=A,B   batch snapshot (Starter and up)
 *   GET /v3/reference/tickers?market=stocks&active=true&limit=N      paged through `next_url`
 *   GET /v1/marketstatus/now                                         open / closed
 * The key comes as `Authorization: Bearer <key>` or `apiKey=` (401 otherwise). The free (basic)
 * plan gets 5 calls per clock minute (then 429, no Retry-After) and 403 on the snapshot.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultState } from '../fault-state';
import { sendText } from '../http-responses';
import type { FinnhubRateLimiter } from '../finnhub/rest-limits';
import type { VenueRestApi } from '../venue/venue-sim';
import type { MassiveTicker } from './feed';
import type { MassivePlan } from './options';
import { MassiveRestBodies, nanos } from './payloads';
import { jsonNumber } from '../finnhub/payloads';
import { formatPercent3, trimDecimal, UNITS_PER_ONE } from '../fixed-point';
import type { MassiveSimStats } from './sim-api';

export const MASSIVE_JSON_CONTENT_TYPE = 'application/json';

const SNAPSHOT_PATH = '/v2/snapshot/locale/us/markets/stocks/tickers';
const REFERENCE_PATH = '/v3/reference/tickers';
const MARKET_STATUS_PATH = '/v1/marketstatus/now';

/** Plans whose keys may read the snapshot ("WebSockets, flat files, and snapshots require Starter plan or above"). */
const SNAPSHOT_PLANS: ReadonlySet<MassivePlan> = new Set(['starter', 'developer', 'advanced']);
/** "Trades require Developer plan or above. Quotes require Advanced or above." */
const TRADE_PLANS: ReadonlySet<MassivePlan> = new Set(['developer', 'advanced']);

export interface MassiveRestContext {
  readonly tickers: ReadonlyMap<string, MassiveTicker>;
  readonly apiKeys: ReadonlySet<string>;
  readonly plan: MassivePlan;
  /** Counts the free plan's calls; undefined for paid plans (unlimited). */
  readonly limiter: FinnhubRateLimiter | undefined;
  readonly faults: FaultState;
  readonly stats: MassiveSimStats;
  readonly marketOpen: () => boolean;
  readonly referencePageSize: number;
  readonly clock: () => number;
}

export class MassiveRestApi implements VenueRestApi {
  private nextRequestId = 1;

  constructor(private readonly ctx: MassiveRestContext) {}

  serves(path: string): boolean {
    return path === SNAPSHOT_PATH || path === REFERENCE_PATH || path === MARKET_STATUS_PATH;
  }

  handle(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const { stats, faults, limiter, clock } = this.ctx;
    stats.restRequests += 1;
    const requestId = (this.nextRequestId++).toString(16).padStart(32, '0');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendText(res, 405, 'Method Not Allowed', 'text/plain', { allow: 'GET' });
      return;
    }
    const key = keyOf(req, url);
    if (key === undefined || !this.ctx.apiKeys.has(key)) {
      stats.rest401 += 1;
      sendText(res, 401, MassiveRestBodies.unknownKey(requestId), MASSIVE_JSON_CONTENT_TYPE);
      return;
    }
    const injected = faults.takeRestFault();
    if (injected) {
      if (injected.status === 429) stats.rest429 += 1;
      const headers: Record<string, number> =
        injected.retryAfterSec === undefined ? {} : { 'retry-after': injected.retryAfterSec };
      sendText(
        res,
        injected.status,
        MassiveRestBodies.rateLimited(requestId),
        MASSIVE_JSON_CONTENT_TYPE,
        headers,
      );
      return;
    }
    if (limiter && !limiter.admit(key, clock()).admitted) {
      stats.rest429 += 1;
      sendText(res, 429, MassiveRestBodies.rateLimited(requestId), MASSIVE_JSON_CONTENT_TYPE);
      return;
    }
    switch (url.pathname) {
      case SNAPSHOT_PATH:
        if (!SNAPSHOT_PLANS.has(this.ctx.plan)) {
          stats.rest403 += 1;
          sendText(res, 403, MassiveRestBodies.notEntitled(requestId), MASSIVE_JSON_CONTENT_TYPE);
          return;
        }
        sendText(res, 200, this.snapshot(url.searchParams.get('tickers') ?? ''), MASSIVE_JSON_CONTENT_TYPE);
        return;
      case REFERENCE_PATH:
        sendText(res, 200, this.reference(url, req, requestId), MASSIVE_JSON_CONTENT_TYPE);
        return;
      default:
        sendText(res, 200, this.marketStatus(), MASSIVE_JSON_CONTENT_TYPE);
    }
  }

  /** Tickers named (case-sensitive; empty = all), in request order; unknown ones left out. */
  private snapshot(list: string): string {
    const { tickers, stats, plan } = this.ctx;
    const names = list === '' ? [...tickers.keys()] : list.split(',');
    stats.snapshotRequests += 1;
    stats.lastSnapshotTickers = names.length;
    const now = this.ctx.clock();
    const items = names.flatMap((name) => {
      const t = tickers.get(name);
      return t ? [this.snapshotTicker(t, now, TRADE_PLANS.has(plan), plan === 'advanced')] : [];
    });
    return `{"count":${items.length},"status":"OK","tickers":[${items.join(',')}]}`;
  }

  private snapshotTicker(t: MassiveTicker, now: number, withTrade: boolean, withQuote: boolean): string {
    const snap = t.market.snapshot(now);
    const units = (ticks: number): bigint => BigInt(ticks) * snap.spec.tickUnits;
    const num = (ticks: number): string => jsonNumber(units(ticks));
    const { stats, book } = snap;
    const volume = (stats.volume / UNITS_PER_ONE).toString();
    const change = units(snap.lastTicks) - units(stats.prevCloseTicks);
    const fields = [
      `"day":{"c":${num(snap.lastTicks)},"h":${num(stats.highTicks)},"l":${num(stats.lowTicks)},"o":${num(stats.openTicks)},"v":${volume}}`,
    ];
    if (withQuote && t.lastTradeAt > 0) {
      const lots = (qty: bigint): string => {
        const count = qty / UNITS_PER_ONE / 100n;
        return (count > 0n ? count : 1n).toString();
      };
      fields.push(
        `"lastQuote":{"P":${num(book.askTicks)},"S":${lots(book.askQty)},"p":${num(book.bidTicks)},"s":${lots(book.bidQty)},"t":${nanos(t.lastTradeAt, t.lastTradeId + 1)}}`,
      );
    }
    if (withTrade && t.lastTradeAt > 0) {
      fields.push(
        `"lastTrade":{"c":[0],"i":"${t.lastTradeId}","p":${num(snap.lastTicks)},"s":${(snap.lastQty / UNITS_PER_ONE).toString()},"t":${nanos(t.lastTradeAt, t.lastTradeId)},"x":4}`,
      );
    }
    fields.push(
      `"prevDay":{"c":${num(stats.prevCloseTicks)}}`,
      `"ticker":${JSON.stringify(t.ticker)}`,
      `"todaysChange":${jsonNumber(change)}`,
      `"todaysChangePerc":${trimDecimal(formatPercent3(change, units(stats.prevCloseTicks)))}`,
      `"updated":${nanos(t.lastTradeAt > 0 ? t.lastTradeAt : now, t.lastTradeId)}`,
    );
    return `{${fields.join(',')}}`;
  }

  /** One page; `cursor` is the offset of the page (opaque to clients); `next_url` carries no key. */
  private reference(url: URL, req: IncomingMessage, requestId: string): string {
    const all = [...this.ctx.tickers.values()].sort((a, b) => (a.ticker < b.ticker ? -1 : 1));
    const cursor = url.searchParams.get('cursor');
    const offset = cursor === null ? 0 : Number(Buffer.from(cursor, 'base64url').toString('utf8')) || 0;
    const limitParam = Number(url.searchParams.get('limit') ?? '100');
    const limit = Math.min(
      this.ctx.referencePageSize,
      Number.isInteger(limitParam) && limitParam > 0 ? limitParam : 100,
    );
    const page = all.slice(offset, offset + limit);
    const results = page.map((t) =>
      JSON.stringify({
        active: true,
        currency_name: 'usd',
        locale: 'us',
        market: 'stocks',
        name: t.instrument.listing['description'],
        primary_exchange: t.instrument.listing['mic'],
        ticker: t.ticker,
        type: 'CS',
      }),
    );
    const next =
      offset + limit < all.length
        ? `,"next_url":${JSON.stringify(`http://${req.headers.host ?? 'localhost'}${REFERENCE_PATH}?cursor=${Buffer.from(String(offset + limit)).toString('base64url')}`)}`
        : '';
    return `{"count":${page.length}${next},"request_id":"${requestId}","results":[${results.join(',')}],"status":"OK"}`;
  }

  private marketStatus(): string {
    const state = this.ctx.marketOpen() ? 'open' : 'closed';
    const serverTime = new Date(this.ctx.clock()).toISOString();
    return JSON.stringify({
      afterHours: false,
      currencies: { crypto: 'open', fx: 'open' },
      earlyHours: false,
      exchanges: { nasdaq: state, nyse: state, otc: state },
      market: state,
      serverTime,
    });
  }
}

function keyOf(req: IncomingMessage, url: URL): string | undefined {
  const query = url.searchParams.get('apiKey');
  if (query !== null) return query;
  const header = req.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer (\S+)$/u.exec(header) : null;
  return match?.[1];
}
