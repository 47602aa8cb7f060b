export * from './engine';
export * from './stream-id';
export * from './memory';
