/** Stream tokens at the pod: verifying them, stream quotas, and ending the streams of revoked keys. */
export * from './stream-access';
export * from './stream-credentials';
