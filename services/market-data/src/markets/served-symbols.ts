/**
 * The venues' symbols the cluster serves, as market listings: every symbol of the cluster's latest
 * table (the same on every pod: the leader publishes it through the engine, and each pod's hub
 * holds it) and every configured symbol, price or not yet. Names come from the exchanges' symbol
 * lists, which every pod loads alike.
 */
import { fromCanonicalSymbol } from '@tickwire/exchanges';
import type { MarketListing, MarketSource } from './market-listing';

export interface ServedSymbolsOptions {
  /** The configured symbols (`SYMBOLS`), always served. */
  configured: readonly string[];
  /** The symbols of the cluster's latest table. */
  published: () => Iterable<string>;
  /** A symbol's display name from its exchange's list; undefined while unknown. */
  name: (symbol: string) => string | undefined;
}

export class ServedSymbols implements MarketSource {
  constructor(private readonly options: ServedSymbolsOptions) {}

  *listings(): Iterable<MarketListing> {
    const seen = new Set<string>();
    for (const symbols of [this.options.configured, this.options.published()]) {
      for (const symbol of symbols) {
        if (seen.has(symbol)) continue;
        seen.add(symbol);
        const venue = fromCanonicalSymbol(symbol)?.exchange;
        // A published name that is no venue's symbol is an asset's (ServedAssets lists those).
        if (venue === undefined) continue;
        yield { symbol, kind: 'symbol', venue, name: this.options.name(symbol) ?? null };
      }
    }
  }
}
