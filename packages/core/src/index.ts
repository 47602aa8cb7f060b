export * from './ticker';
export * from './decimal';
export * from './symbols';
export * from './candles';
export * from './candle-resample';
export * from './lifecycle';
export * from './errors';
export * from './backoff';
