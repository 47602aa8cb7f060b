/** API keys: generation, the Redis store, scopes, and what a new key may be. */
export * from './api-key-record';
export * from './api-key-secret';
export * from './api-key-store';
export * from './duration';
export * from './new-key';
export * from './scopes';
