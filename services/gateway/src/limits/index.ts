/** Limits shared by every replica through Redis: request rates and concurrent streams. */
export * from './limit-scripts';
export * from './rate-limiter';
export * from './rate-limit-headers';
export * from './stream-quota';
