/** Who calls, and whether they may: keys, anonymous reads, rates and scopes. */
export * from './access-control';
export * from './authenticator';
export * from './caller';
export * from './client-address';
export * from './presented-key';
export * from './throttle-guard';
export * from './throttled-addresses';
