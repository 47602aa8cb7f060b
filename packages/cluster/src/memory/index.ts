export { MemoryEngine, type MemoryEngineOptions } from './memory-engine';
export { MemoryElection } from './memory-election';
export {
  MemoryDistribution,
  DEFAULT_MEMORY_DISTRIBUTION_OPTIONS,
  type MemoryDistributionOptions,
} from './memory-distribution';
export {
  MemoryInterest,
  DEFAULT_MEMORY_INTEREST_OPTIONS,
  type MemoryInterestOptions,
} from './memory-interest';
export {
  MemoryCandleHistory,
  DEFAULT_MEMORY_CANDLE_HISTORY_OPTIONS,
  type MemoryCandleHistoryOptions,
} from './memory-candle-history';
