/** Stream tokens: what a caller may ask for, and the signed token it gets. */
export * from './stream-token-issuer';
export * from './stream-token-request';
