/** The market list: which markets the cluster serves, named by their venues, with their latest figures. */
export { marketEntry } from './market-listing';
export type { MarketEntry, MarketKind, MarketListing, MarketSource } from './market-listing';
export { MARKET_SORT_FIELDS, defaultOrder, queryMarkets } from './market-query';
export type { MarketQuery, MarketQueryResult, MarketSortField, SortOrder } from './market-query';
export { ServedSymbols } from './served-symbols';
export type { ServedSymbolsOptions } from './served-symbols';
export { ServedAssets } from './served-assets';
export type { ServedAssetsOptions } from './served-assets';
