/**
 * Limits shared by every replica through Redis: request rates. (Concurrent streams are held by
 * the pods, which serve them: StreamQuota in the cluster package.)
 */
export * from './limit-scripts';
export * from './rate-limiter';
export * from './rate-limit-headers';
