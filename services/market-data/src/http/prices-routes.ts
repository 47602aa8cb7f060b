/**
 * `GET /v1/prices[?symbols=]` and `GET /v1/prices/:symbol`, the REST hot path: bodies and ETags
 * come pre-encoded from the PriceCache, so a request costs a lookup and a write (and a poller
 * that sends If-None-Match gets a 304 without a body). Served before express (see app.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { JSON_CONTENT_TYPE, matchesIfNoneMatch } from '@tickwire/service';
import type { ApiContext } from './api-context';
import { httpErrors } from './errors';
import type { EncodedPriceList, PriceCache } from './price-cache';
import { parseSymbolPath, parseSymbolsParam, singleParam } from './query';

/** Prices change every second; a cache may serve one this old before revalidating. */
export const PRICES_CACHE_CONTROL = 'public, max-age=1, must-revalidate';
/** The query parameters each route takes (any other is refused). */
export const PRICE_LIST_PARAMS: readonly string[] = ['symbols'];
export const PRICE_PARAMS: readonly string[] = [];

/** GET /v1/prices/:symbol, `rawSymbol` still percent-encoded; throws HttpError. Returns the status sent. */
export function servePrice(
  ctx: Pick<ApiContext, 'symbols'>,
  cache: PriceCache,
  req: IncomingMessage,
  res: ServerResponse,
  rawSymbol: string,
): number {
  const symbol = parseSymbolPath(decodeURIComponent(rawSymbol), ctx.symbols);
  // A poller keeps a symbol subscribed as a stream would (and asking for a new one subscribes it).
  ctx.symbols.want([symbol]);
  const price = cache.get(symbol);
  if (!price) throw httpErrors.priceUnavailable(symbol);
  return send(req, res, price);
}

/** GET /v1/prices[?symbols=A,B]; throws HttpError. Returns the status sent. */
export function servePriceList(
  ctx: Pick<ApiContext, 'symbols' | 'limits'>,
  cache: PriceCache,
  req: IncomingMessage,
  res: ServerResponse,
  query: Record<string, unknown>,
): number {
  const raw = singleParam(query, 'symbols');
  const symbols =
    raw === undefined
      ? ctx.symbols.configured
      : parseSymbolsParam(raw, { max: ctx.limits.maxSymbolsPerRequest, resolver: ctx.symbols });
  if (raw !== undefined) ctx.symbols.want(symbols);
  return send(req, res, cache.list(symbols));
}

function send(req: IncomingMessage, res: ServerResponse, encoded: EncodedPriceList): number {
  if (matchesIfNoneMatch(req.headers['if-none-match'], encoded.etag)) {
    res.writeHead(304, { ETag: encoded.etag, 'Cache-Control': PRICES_CACHE_CONTROL });
    res.end();
    return 304;
  }
  res.writeHead(200, {
    'Content-Type': JSON_CONTENT_TYPE,
    'Content-Length': encoded.body.length,
    ETag: encoded.etag,
    'Cache-Control': PRICES_CACHE_CONTROL,
  });
  // HEAD: node writes the head and drops the body.
  res.end(encoded.body);
  return 200;
}
