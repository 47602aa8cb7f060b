/** Routing REST requests to healthy market-data pods. */
export * from './pod-pool';
export * from './pod-proxy';
export * from './price-cache';
