/** Candle history in PostgreSQL (HISTORY_DATABASE_URL): the pool, the leader's writer and retention, reads. */
export * from './history-database';
export * from './history-store';
export * from './history-writer';
export * from './history-retention-job';
export * from './migrate';
export * from './retention';
