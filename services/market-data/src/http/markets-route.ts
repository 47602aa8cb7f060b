/**
 * `GET /v1/markets[?venue=&q=&sort=&order=&limit=]`: every market the cluster serves, with its
 * venue, the name its venue's catalog gives it, and its latest price, 24 h change and volumes,
 * filtered and sorted, so a dashboard renders a top list in one request. Built from the pod's
 * latest table, which every pod holds alike, the exchanges' symbol lists and the configured assets
 * (the `MarketSource`s of api-context's `markets`).
 */
import { Router } from 'express';
import { readRoute, type CorsPolicy } from '@tickwire/service';
import {
  MARKET_SORT_FIELDS,
  defaultOrder,
  marketEntry,
  queryMarkets,
  type MarketQuery,
  type MarketSortField,
  type SortOrder,
} from '../markets';
import type { ApiContext } from './api-context';
import { httpErrors } from './errors';
import { PRICES_CACHE_CONTROL } from './prices-routes';
import { parseIntegerParam, singleParam } from './query';

export const MARKETS_PARAMS: readonly string[] = ['venue', 'q', 'sort', 'order', 'limit'];
/** The largest `limit`; without one, every market that matches is listed. */
export const MAX_MARKETS_PER_ANSWER = 10_000;
/** The longest `q` (characters): symbols are at most 40, names are labels. */
const MAX_SEARCH_CHARS = 64;
const ORDERS: readonly SortOrder[] = ['asc', 'desc'];

function parseVenues(raw: string | undefined, known: readonly string[]): Set<string> | undefined {
  if (raw === undefined) return undefined;
  const venues = new Set<string>();
  for (const part of raw.split(',')) {
    const venue = part.trim().toLowerCase();
    if (!known.includes(venue))
      throw httpErrors.badRequest(
        `"venue" must be a comma list of ${known.join(', ')}; ${JSON.stringify(part.slice(0, 32))} is none of them`,
      );
    venues.add(venue);
  }
  return venues;
}

function parseQuery(query: Record<string, unknown>, venues: readonly string[]): MarketQuery {
  const sortRaw = singleParam(query, 'sort');
  if (sortRaw !== undefined && !(MARKET_SORT_FIELDS as readonly string[]).includes(sortRaw))
    throw httpErrors.badRequest(`"sort" must be one of ${MARKET_SORT_FIELDS.join(', ')}`);
  const sort = (sortRaw ?? 'symbol') as MarketSortField;
  const orderRaw = singleParam(query, 'order');
  if (orderRaw !== undefined && !(ORDERS as readonly string[]).includes(orderRaw))
    throw httpErrors.badRequest('"order" must be asc or desc');
  const text = singleParam(query, 'q');
  if (text !== undefined && (text.trim() === '' || text.length > MAX_SEARCH_CHARS))
    throw httpErrors.badRequest(`"q" must be 1 to ${MAX_SEARCH_CHARS} characters of a symbol or name`);
  const limitRaw = singleParam(query, 'limit');
  const limit =
    limitRaw === undefined
      ? undefined
      : parseIntegerParam(limitRaw, 'limit', { min: 1, max: MAX_MARKETS_PER_ANSWER, fallback: 1 });
  const selectedVenues = parseVenues(singleParam(query, 'venue'), venues);
  return {
    sort,
    order: (orderRaw as SortOrder | undefined) ?? defaultOrder(sort),
    ...(selectedVenues && { venues: selectedVenues }),
    ...(text !== undefined && { text: text.trim() }),
    ...(limit !== undefined && { limit }),
  };
}

export function marketsRoute(ctx: Pick<ApiContext, 'hub' | 'pod' | 'markets'>, cors: CorsPolicy): Router {
  const router = Router();
  readRoute(router, '/v1/markets', { params: MARKETS_PARAMS, cors }, (req, res) => {
    const query = parseQuery(req.query, ctx.markets.venues);
    const isStale = ctx.pod.isStale.bind(ctx.pod);
    const entries = ctx.markets.sources.flatMap((source) =>
      [...source.listings()].map((listing) => marketEntry(listing, ctx.hub.ticker(listing.symbol), isStale)),
    );
    const { markets, total } = queryMarkets(entries, query);
    res.set('Cache-Control', PRICES_CACHE_CONTROL);
    res.json({ markets, total });
  });
  return router;
}
