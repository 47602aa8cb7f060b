/**
 * The Binance Spot REST market-data endpoints the platform uses, answered from the same market
 * state as the WebSocket feed, with Binance's request weights, rate-limit headers and error
 * bodies (exchanges.md 1.7). https://developers.binance.com/docs/binance-spot-api-docs/rest-api
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultState, RestFaultStatus } from '../fault-state';
import { DEFAULT_FAULT_RETRY_AFTER_SEC } from '../fault-state';
import { BAD_GATEWAY_HTML, sendJson, sendText } from '../http-responses';
import type { SymbolMarket } from '../market-state';
import type { VenueRestApi } from '../venue/venue-sim';
import type { RestRateLimiter } from './rest-limits';
import {
  exchangeInfoBody,
  bookTickerBody,
  priceTickerBody,
  ticker24hrBody,
  type TickerType,
} from './rest-payloads';
import type { SimStats } from './stats';
import { klinesBody, KLINES_WEIGHT } from './klines';

/** Request weights (current Binance values, doubled on 2023-08-25). */
export const REST_WEIGHTS = {
  ping: 1,
  time: 1,
  exchangeInfo: 20,
  tickerPriceOneSymbol: 2,
  tickerPriceOtherwise: 4,
  bookTickerOneSymbol: 2,
  bookTickerOtherwise: 4,
  ticker24hrUpTo20Symbols: 2,
  ticker24hrUpTo100Symbols: 40,
  ticker24hrMoreOrAll: 80,
} as const;

/** Symbol counts where the ticker/24hr weight steps up. */
export const TICKER_24HR_SMALL_MAX_SYMBOLS = 20;
export const TICKER_24HR_MEDIUM_MAX_SYMBOLS = 100;

const SYMBOL_PARAM_RE = /^[A-Z0-9-_.]{1,20}$/;

/** A Binance REST error answer. */
interface RestError {
  readonly status: number;
  readonly code: number;
  readonly msg: string;
}

/** Binance error codes used here (errors.md). */
const Errors = {
  illegalSymbol: (param: string): RestError => ({
    status: 400,
    code: -1100,
    msg:
      param === 'symbol'
        ? "Illegal characters found in parameter 'symbol'; legal range is '^[A-Z0-9-_.]{1,20}$'."
        : `Illegal characters found in parameter 'symbols'; legal range is '^\\[("[A-Z0-9-_.]{1,20}"(,"[A-Z0-9-_.]{1,20}"){0,}){0,1}\\]$'.`,
  }),
  illegalType: (): RestError => ({
    status: 400,
    code: -1100,
    msg: "Illegal characters found in parameter 'type'; legal range is 'FULL, MINI'.",
  }),
  duplicateSymbols: (): RestError => ({
    status: 400,
    code: -1101,
    msg: "Duplicate values for parameter 'symbols'.",
  }),
  emptySymbols: (): RestError => ({
    status: 400,
    code: -1102,
    msg: "Mandatory parameter 'symbols' was not sent, was empty/null, or malformed.",
  }),
  emptySymbol: (): RestError => ({
    status: 400,
    code: -1102,
    msg: "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.",
  }),
  invalidSymbol: (): RestError => ({ status: 400, code: -1121, msg: 'Invalid symbol.' }),
  badCombination: (): RestError => ({
    status: 400,
    code: -1128,
    msg: 'Combination of optional parameters invalid.',
  }),
};

type SymbolSelection =
  | { readonly kind: 'one'; readonly market: SymbolMarket }
  | { readonly kind: 'many'; readonly markets: readonly SymbolMarket[] }
  | { readonly kind: 'all' };

interface Selection {
  readonly selection?: SymbolSelection;
  readonly error?: RestError;
  /**
   * What the request named, for weights (charged even when the request fails): `symbol`, a
   * `symbols` list of that length (0 when unparsable), or nothing ('all').
   */
  readonly named: number | 'symbol' | 'all';
}

export class RestApi implements VenueRestApi {
  private readonly bySymbol: ReadonlyMap<string, SymbolMarket>;

  constructor(
    private readonly markets: readonly SymbolMarket[],
    private readonly limiter: RestRateLimiter,
    private readonly faults: FaultState,
    private readonly stats: SimStats,
    private readonly weightLimit: number,
    private readonly clock: () => number = Date.now,
  ) {
    this.bySymbol = new Map(markets.map((m) => [m.spec.symbol, m]));
  }

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
      sendText(res, 404, 'Not Found', 'text/plain');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendText(res, 405, 'Method Not Allowed', 'text/plain', { allow: 'GET' });
      return;
    }
    const injected = this.faults.takeRestFault();
    if (injected) {
      this.sendInjected(res, injected.status, injected.retryAfterSec, now);
      return;
    }
    const { weight, answer } = route(this, url, now);
    const decision = this.limiter.admit(weight, now);
    if (decision.kind === 'ok') this.stats.restWeightTotal += weight;
    const headers = { 'x-mbx-used-weight': decision.usedWeight, 'x-mbx-used-weight-1m': decision.usedWeight };
    if (decision.kind === 'banned') {
      this.stats.rest418 += 1;
      sendJson(res, 418, bannedBody(decision.bannedUntil), {
        ...headers,
        'retry-after': decision.retryAfterSec,
      });
      return;
    }
    if (decision.kind === 'limited') {
      this.stats.rest429 += 1;
      sendJson(res, 429, this.limitedBody(), { ...headers, 'retry-after': decision.retryAfterSec });
      return;
    }
    const result = answer();
    if ('error' in result) {
      sendJson(res, result.error.status, { code: result.error.code, msg: result.error.msg }, headers);
    } else {
      sendJson(res, 200, result.body, headers);
    }
  }

  /** Parses symbol / symbols; both together is -1128, as on Binance. */
  selectSymbols(url: URL): Selection {
    const symbol = url.searchParams.get('symbol');
    const symbols = url.searchParams.get('symbols');
    if (symbol !== null && symbols !== null) return { error: Errors.badCombination(), named: 'symbol' };
    if (symbol !== null) {
      if (!SYMBOL_PARAM_RE.test(symbol)) return { error: Errors.illegalSymbol('symbol'), named: 'symbol' };
      const market = this.bySymbol.get(symbol);
      return market
        ? { selection: { kind: 'one', market }, named: 'symbol' }
        : { error: Errors.invalidSymbol(), named: 'symbol' };
    }
    if (symbols === null) return { selection: { kind: 'all' }, named: 'all' };
    let list: unknown;
    try {
      list = JSON.parse(symbols);
    } catch {
      return { error: Errors.illegalSymbol('symbols'), named: 0 };
    }
    if (!Array.isArray(list)) return { error: Errors.illegalSymbol('symbols'), named: 0 };
    if (list.length === 0) return { error: Errors.emptySymbols(), named: 0 };
    if (!list.every((s): s is string => typeof s === 'string' && SYMBOL_PARAM_RE.test(s))) {
      return { error: Errors.illegalSymbol('symbols'), named: list.length };
    }
    if (new Set(list).size !== list.length) return { error: Errors.duplicateSymbols(), named: list.length };
    const markets: SymbolMarket[] = [];
    for (const name of list) {
      const market = this.bySymbol.get(name);
      if (!market) return { error: Errors.invalidSymbol(), named: list.length };
      markets.push(market);
    }
    return { selection: { kind: 'many', markets }, named: list.length };
  }

  marketsOf(selection: SymbolSelection): readonly SymbolMarket[] {
    return selection.kind === 'one'
      ? [selection.market]
      : selection.kind === 'many'
        ? selection.markets
        : this.markets;
  }

  get configuredWeightLimit(): number {
    return this.weightLimit;
  }

  private limitedBody(): { code: number; msg: string } {
    return {
      code: -1003,
      msg: `Too much request weight used; current limit is ${this.weightLimit} request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.`,
    };
  }

  private sendInjected(
    res: ServerResponse,
    status: RestFaultStatus,
    retryAfterSec: number | undefined,
    now: number,
  ): void {
    const used = this.limiter.usedWeight(now);
    const headers: Record<string, number> = { 'x-mbx-used-weight': used, 'x-mbx-used-weight-1m': used };
    if (status === 429 || status === 418) {
      const retryAfter = retryAfterSec ?? DEFAULT_FAULT_RETRY_AFTER_SEC;
      headers['retry-after'] = retryAfter;
      if (status === 429) {
        this.stats.rest429 += 1;
        sendJson(res, 429, this.limitedBody(), headers);
      } else {
        this.stats.rest418 += 1;
        sendJson(res, 418, bannedBody(now + retryAfter * 1000), headers);
      }
      return;
    }
    if (retryAfterSec !== undefined) headers['retry-after'] = retryAfterSec;
    if (status === 502) {
      // Gateways in front of the API answer 502 with an HTML page, not JSON.
      sendText(res, 502, BAD_GATEWAY_HTML, 'text/html', headers);
    } else if (status === 503) {
      sendJson(
        res,
        503,
        { code: -1001, msg: 'Internal error; unable to process your request. Please try again.' },
        headers,
      );
    } else {
      sendJson(
        res,
        500,
        { code: -1000, msg: 'An unknown error occurred while processing the request.' },
        headers,
      );
    }
  }
}

function bannedBody(until: number): { code: number; msg: string } {
  return {
    code: -1003,
    msg: `Way too much request weight used; IP banned until ${until}. Please use WebSocket Streams for live updates to avoid bans.`,
  };
}

type Answer = { body: unknown } | { error: RestError };
type Route = (api: RestApi, url: URL, now: number) => { weight: number; answer: () => Answer };

function ticker24hrWeight(named: Selection['named']): number {
  if (named === 'symbol') return REST_WEIGHTS.ticker24hrUpTo20Symbols;
  if (named === 'all') return REST_WEIGHTS.ticker24hrMoreOrAll;
  if (named <= TICKER_24HR_SMALL_MAX_SYMBOLS) return REST_WEIGHTS.ticker24hrUpTo20Symbols;
  if (named <= TICKER_24HR_MEDIUM_MAX_SYMBOLS) return REST_WEIGHTS.ticker24hrUpTo100Symbols;
  return REST_WEIGHTS.ticker24hrMoreOrAll;
}

/** One object for `symbol`, an array otherwise. */
function render<T>(selection: SymbolSelection, api: RestApi, build: (m: SymbolMarket) => T): T | T[] {
  const markets = api.marketsOf(selection);
  return selection.kind === 'one' ? build(selection.market) : markets.map(build);
}

const ROUTES: Readonly<Record<string, Route>> = {
  '/api/v3/ping': () => ({ weight: REST_WEIGHTS.ping, answer: () => ({ body: {} }) }),
  '/api/v3/time': (_api, _url, now) => ({
    weight: REST_WEIGHTS.time,
    answer: () => ({ body: { serverTime: now } }),
  }),
  '/api/v3/exchangeInfo': (api, url, now) => {
    const s = api.selectSymbols(url);
    return {
      weight: REST_WEIGHTS.exchangeInfo,
      answer: () => {
        if (s.error) return { error: s.error };
        const markets = s.selection ? api.marketsOf(s.selection) : [];
        return { body: exchangeInfoBody(markets, api.configuredWeightLimit, now) };
      },
    };
  },
  '/api/v3/ticker/24hr': (api, url, now) => {
    const s = api.selectSymbols(url);
    const typeParam = url.searchParams.get('type') ?? 'FULL';
    return {
      weight: ticker24hrWeight(s.named),
      answer: () => {
        if (s.error) return { error: s.error };
        if (typeParam !== 'FULL' && typeParam !== 'MINI') return { error: Errors.illegalType() };
        const type: TickerType = typeParam;
        const selection = s.selection ?? { kind: 'all' };
        return { body: render(selection, api, (m) => ticker24hrBody(m.snapshot(now), now, type)) };
      },
    };
  },
  '/api/v3/klines': (api, url) => {
    const s = api.selectSymbols(url);
    return {
      weight: KLINES_WEIGHT,
      answer: () => {
        if (s.error) return { error: s.error };
        if (s.selection?.kind !== 'one') return { error: Errors.emptySymbol() };
        const body = klinesBody(s.selection.market, url);
        return Array.isArray(body) ? { body } : { error: body };
      },
    };
  },
  '/api/v3/ticker/price': (api, url) => {
    const s = api.selectSymbols(url);
    return {
      weight: s.named === 'symbol' ? REST_WEIGHTS.tickerPriceOneSymbol : REST_WEIGHTS.tickerPriceOtherwise,
      answer: () =>
        s.error ? { error: s.error } : { body: render(s.selection ?? { kind: 'all' }, api, priceTickerBody) },
    };
  },
  '/api/v3/ticker/bookTicker': (api, url) => {
    const s = api.selectSymbols(url);
    return {
      weight: s.named === 'symbol' ? REST_WEIGHTS.bookTickerOneSymbol : REST_WEIGHTS.bookTickerOtherwise,
      answer: () =>
        s.error ? { error: s.error } : { body: render(s.selection ?? { kind: 'all' }, api, bookTickerBody) },
    };
  },
};
