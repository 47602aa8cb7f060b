/**
 * Filtering, sorting and cutting the market list, as `GET /v1/markets` asks. Numbers are compared
 * as exact decimals (never as floats), and a market without the figure sorted on comes last in
 * either order, so a top list never starts with blanks.
 */
import { compareDecimal } from '@tickwire/core';
import type { MarketEntry } from './market-listing';

/** The fields a list can be sorted by. */
export const MARKET_SORT_FIELDS = [
  'symbol',
  'name',
  'last',
  'changePct',
  'baseVolume',
  'quoteVolume',
] as const;
export type MarketSortField = (typeof MARKET_SORT_FIELDS)[number];
export type SortOrder = 'asc' | 'desc';

const DECIMAL_FIELDS: ReadonlySet<MarketSortField> = new Set([
  'last',
  'changePct',
  'baseVolume',
  'quoteVolume',
]);

export interface MarketQuery {
  /** Keep markets of these venues only; undefined keeps all. */
  venues?: ReadonlySet<string>;
  /** Keep markets whose symbol or name contains this text, in any case. */
  text?: string;
  sort: MarketSortField;
  order: SortOrder;
  /** At most this many, after sorting; undefined keeps all. */
  limit?: number;
}

/** A field's usual order: the largest numbers first, text from A. */
export function defaultOrder(sort: MarketSortField): SortOrder {
  return DECIMAL_FIELDS.has(sort) ? 'desc' : 'asc';
}

export interface MarketQueryResult {
  markets: MarketEntry[];
  /** Markets that matched the filters, before `limit`. */
  total: number;
}

function compareValues(sort: MarketSortField, a: string, b: string): number {
  if (DECIMAL_FIELDS.has(sort)) return compareDecimal(a, b);
  return a < b ? -1 : a > b ? 1 : 0;
}

export function queryMarkets(entries: Iterable<MarketEntry>, query: MarketQuery): MarketQueryResult {
  const text = query.text?.toLowerCase();
  const matched: MarketEntry[] = [];
  for (const entry of entries) {
    if (query.venues !== undefined && !query.venues.has(entry.venue)) continue;
    if (
      text !== undefined &&
      !entry.symbol.toLowerCase().includes(text) &&
      !(entry.name ?? '').toLowerCase().includes(text)
    )
      continue;
    matched.push(entry);
  }
  const direction = query.order === 'asc' ? 1 : -1;
  matched.sort((a, b) => {
    const [x, y] = [a[query.sort], b[query.sort]];
    if (x !== y) {
      if (x === null) return 1;
      if (y === null) return -1;
      const order = compareValues(query.sort, x, y);
      if (order !== 0) return order * direction;
    }
    // Ties in symbol order, so every pod lists them alike.
    return a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0;
  });
  const markets = query.limit === undefined ? matched : matched.slice(0, query.limit);
  return { markets, total: matched.length };
}
