export * from './wait-for';
export * from './sse-test-client';
export * from './sse-resume';
export * from './pod-process';
export * from './redis-server';
export * from './redis-cluster';
export * from './redis-sentinel';
export * from './prometheus-text';
export { startExchangeSim, type ExchangeSim, type SimOptions } from '@tickwire/exchange-sim';
export {
  startCoinbaseSim,
  startFinnhubSim,
  startMassiveSim,
  type CoinbaseSim,
  type FinnhubSim,
  type MassiveSim,
} from '@tickwire/exchange-sim';
export * from './json-keys';
export * from './discord-webhook-server';
export * from './chromium';
export * from './test-database';
export * from './tcp-proxy';
export * from './event-loop-stalls';
