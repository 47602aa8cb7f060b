/** What every Tickwire service shares, so no service copies another's plumbing. */
export * from './errors';
export * from './config';
export * from './http';
export * from './ops';
export * from './lifecycle';
export * from './rest-client';
export * from './health';
export * from './sse';
export * from './stream-token';
