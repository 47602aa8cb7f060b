/** Routing REST requests to healthy market-data pods. */
export * from './upstream-pool';
export * from './upstream-proxy';
export * from './price-cache';
