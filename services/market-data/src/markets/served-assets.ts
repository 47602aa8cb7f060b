/**
 * The configured assets (`ASSETS`), as market listings. An asset is listed under its own name,
 * which is also its display name: the operator chose it, and it stays the same when the asset
 * switches sources (a source's catalog name would change with every failover). Its venue and
 * `origin` are those of the source its price comes from now (the `exchange` and `origin` of its
 * ticker); before its first price, `origin` is null and the venue is its first source's.
 */
import type { Ticker } from '@tickwire/core';
import { fromCanonicalSymbol } from '@tickwire/exchanges';
import type { AssetSpec } from '../assets/asset-spec';
import type { MarketListing, MarketSource } from './market-listing';

export interface ServedAssetsOptions {
  assets: readonly AssetSpec[];
  /** The asset's latest ticker, as this pod serves it; undefined before its first price. */
  ticker: (name: string) => Ticker | undefined;
}

export class ServedAssets implements MarketSource {
  constructor(private readonly options: ServedAssetsOptions) {}

  *listings(): Iterable<MarketListing> {
    for (const { name, sources } of this.options.assets) {
      const ticker = this.options.ticker(name);
      const venue = ticker?.exchange ?? fromCanonicalSymbol(sources[0]!)?.exchange;
      // parseAssets keeps only sources of a configured exchange, so every source has a venue.
      if (venue === undefined) continue;
      yield {
        symbol: name,
        kind: 'asset',
        venue,
        name,
        origin: ticker?.origin ?? null,
        sources: [...sources],
      };
    }
  }
}
