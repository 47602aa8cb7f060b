export * from './feed-message';
export * from './exchange-adapter';
export * from './binance';
