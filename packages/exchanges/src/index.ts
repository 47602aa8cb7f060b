export * from './feed-message';
export * from './exchange-adapter';
export * from './symbol-namespace';
export {
  JsonNumberText,
  jsonNumberToDecimal,
  numberToDecimal,
  parseJsonKeepingNumbers,
} from './lossless-json';
export * from './binance';
export * from './finnhub';
export * from './coinbase';
export * from './massive';
