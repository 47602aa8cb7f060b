/** Config helpers every service uses: env fields, one all-errors reader, the README table generator. */
export * from './config-error';
export * from './env-fields';
export * from './read-env';
export * from './config-table';
export * from './sync-config-tables';
export * from './service-config';
export * from './redis-config';
export * from './election-config';
export * from './service-config-definition';
