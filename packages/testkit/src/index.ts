export * from './wait-for';
export * from './sse-test-client';
export * from './pod-process';
export * from './redis-server';
export * from './redis-cluster';
export * from './redis-sentinel';
export * from './prometheus-text';
export { startExchangeSim, type ExchangeSim, type SimOptions } from '@tickwire/exchange-sim';
export { startCoinbaseSim, startFinnhubSim, type CoinbaseSim, type FinnhubSim } from '@tickwire/exchange-sim';
