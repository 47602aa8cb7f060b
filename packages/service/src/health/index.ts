/** Health checks more than one service reports. */
export * from './scanner-heartbeat-check';
