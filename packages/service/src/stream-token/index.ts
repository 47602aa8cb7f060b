/** Stream tokens: signed by the gateway, verified by the pods (one codec for both). */
export * from './stream-token';
