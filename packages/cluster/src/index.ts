export * from './engine';
export * from './event-id';
export * from './interest-validation';
export * from './stream-id';
export * from './logger';
export * from './memory';
export * from './redis';
