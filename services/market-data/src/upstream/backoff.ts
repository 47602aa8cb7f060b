/** The upstream reconnects with the one full-jitter backoff every component shares. */
export { FullJitterBackoff, type BackoffOptions } from '@tickwire/core';
