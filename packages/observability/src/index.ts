export * from './logger';
export * from './metrics-registry';
export * from './health';
export * from './repeated-failure-log';
