/**
 * Pre-encoded prices. Each symbol's JSON (the ticker with its `stale` flag), the response body
 * and the ETag are built once when the ticker changes (or flips stale), not per request; price
 * lists, and SSE snapshots, are joined from those encoded pieces without JSON.stringify. A
 * connect storm or a crowd of pollers therefore costs string joins and socket writes.
 */
import type { Ticker } from '@tickwire/core';
import { entityTag } from '@tickwire/service';

/** One symbol, encoded. */
export interface EncodedPrice {
  readonly ticker: Ticker;
  readonly stale: boolean;
  /** The ticker with `stale`, as JSON. */
  readonly json: string;
  /** `json` as bytes: the body of GET /v1/prices/:symbol. */
  readonly body: Buffer;
  readonly etag: string;
}

/** A list of symbols, encoded: the body of GET /v1/prices[?symbols=]. */
export interface EncodedPriceList {
  readonly body: Buffer;
  readonly etag: string;
}

interface CachedList extends EncodedPriceList {
  /** The encoded prices the body was built from (undefined: no price yet), to check validity. */
  readonly parts: readonly (EncodedPrice | undefined)[];
}

export interface PriceSource {
  ticker(symbol: string): Ticker | undefined;
}

/** Distinct symbol lists kept encoded; the least recently built is dropped beyond this. */
export const MAX_CACHED_PRICE_LISTS = 256;

export class PriceCache {
  private readonly prices = new Map<string, EncodedPrice>();
  private readonly lists = new Map<string, CachedList>();

  constructor(
    private readonly source: PriceSource,
    private readonly isStale: (ticker: Ticker) => boolean,
  ) {}

  /** The encoded price of a symbol, re-encoded only when its ticker or stale flag changed. */
  get(symbol: string): EncodedPrice | undefined {
    const ticker = this.source.ticker(symbol);
    if (ticker === undefined) return undefined;
    const stale = this.isStale(ticker);
    const cached = this.prices.get(symbol);
    if (cached !== undefined && cached.ticker === ticker && cached.stale === stale) return cached;
    const json = JSON.stringify({ ...ticker, stale });
    const body = Buffer.from(json);
    const encoded: EncodedPrice = { ticker, stale, json, body, etag: entityTag(body) };
    this.prices.set(symbol, encoded);
    return encoded;
  }

  /** `{"prices":[...],"missing":[...]}` for `symbols`, rebuilt only when one of them changed. */
  list(symbols: readonly string[]): EncodedPriceList {
    const parts = symbols.map((symbol) => this.get(symbol));
    const key = symbols.join(',');
    const cached = this.lists.get(key);
    if (cached !== undefined && cached.parts.every((part, i) => part === parts[i])) return cached;
    const prices: string[] = [];
    const missing: string[] = [];
    parts.forEach((part, i) => {
      if (part) prices.push(part.json);
      else missing.push(symbols[i]!);
    });
    const body = Buffer.from(`{"prices":[${prices.join(',')}],"missing":${JSON.stringify(missing)}}`);
    const built: CachedList = { body, etag: entityTag(body), parts };
    this.lists.delete(key);
    this.lists.set(key, built);
    if (this.lists.size > MAX_CACHED_PRICE_LISTS) this.lists.delete(this.lists.keys().next().value!);
    return built;
  }

  /** The JSON array of the encoded prices of `symbols` that have one (the data of an SSE snapshot). */
  jsonArray(symbols: Iterable<string>): string {
    const parts: string[] = [];
    for (const symbol of symbols) {
      const price = this.get(symbol);
      if (price) parts.push(price.json);
    }
    return `[${parts.join(',')}]`;
  }
}
