/**
 * What `GET /v1/markets` lists: one entry per market the cluster serves, named as its venue's
 * catalog names it, with the latest figures of its ticker. Entries come from
 * {@link MarketSource}s, so a new kind of market (an asset served under its own name from
 * ordered sources, see served-assets.ts) is listed by adding a source, without reshaping the
 * route or the answer.
 */
import type { Ticker } from '@tickwire/core';

/** What a market is: one venue's symbol, or an asset the cluster serves under its own name (`ASSETS`). */
export type MarketKind = 'symbol' | 'asset';

/** One market as a source lists it, before prices are joined in. */
export interface MarketListing {
  /** The canonical symbol its ticker is published under (what `/v1/prices/:symbol` takes). */
  symbol: string;
  kind: MarketKind;
  /**
   * Where its prices come from: an exchange id (`binance`, `coinbase`, `finnhub`); for an asset,
   * the venue of the source it follows now.
   */
  venue: string;
  /**
   * The venue catalog's name (`BTC/USDT`, `APPLE INC`), null while that catalog is not loaded;
   * for an asset, its own name.
   */
  name: string | null;
  /** Assets only: the source symbol its price comes from now; null before its first price. */
  origin?: string | null;
  /** Assets only: its source symbols, the preferred one first. */
  sources?: string[];
}

/** Lists markets; called once per request, so it must be cheap (memory only). */
export interface MarketSource {
  listings(): Iterable<MarketListing>;
}

/** One entry of the answer: the listing and its ticker's figures, decimals as exact strings. */
export interface MarketEntry extends MarketListing {
  /** Last price; null before the first price arrived. */
  last: string | null;
  /** 24 h change in percent, as the venue reports it; null where it gives none (Finnhub trades). */
  changePct: string | null;
  /** 24 h volume in the base asset, and in the quote asset; null where the venue gives none. */
  baseVolume: string | null;
  quoteVolume: string | null;
  /** The venue's time of the latest figures (ms); null before the first price. */
  eventTime: number | null;
  /** True when the price is served flagged stale (see `/v1/prices`); false without a price. */
  stale: boolean;
}

/** Joins a listing with its ticker (undefined before its first price). */
export function marketEntry(
  listing: MarketListing,
  ticker: Ticker | undefined,
  isStale: (ticker: Ticker) => boolean,
): MarketEntry {
  return {
    ...listing,
    last: ticker?.last ?? null,
    changePct: ticker?.changePct ?? null,
    baseVolume: ticker?.baseVolume ?? null,
    quoteVolume: ticker?.quoteVolume ?? null,
    eventTime: ticker?.eventTime ?? null,
    stale: ticker !== undefined && isStale(ticker),
  };
}
