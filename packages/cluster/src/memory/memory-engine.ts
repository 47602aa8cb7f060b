/** The default engine: one pod, no Redis, always leader. */
import type { Engine } from '../engine';
import { MemoryCandleHistory, type MemoryCandleHistoryOptions } from './memory-candle-history';
import { MemoryDistribution, type MemoryDistributionOptions } from './memory-distribution';
import { MemoryElection } from './memory-election';
import { MemoryInterest, type MemoryInterestOptions } from './memory-interest';

export interface MemoryEngineOptions {
  instanceId: string;
  distribution?: Partial<MemoryDistributionOptions>;
  interest?: Partial<MemoryInterestOptions>;
  candles?: Partial<MemoryCandleHistoryOptions>;
}

export class MemoryEngine implements Engine {
  readonly kind = 'memory' as const;
  readonly election: MemoryElection;
  readonly distribution: MemoryDistribution;
  readonly interest: MemoryInterest;
  readonly candles: MemoryCandleHistory;

  constructor(options: MemoryEngineOptions) {
    this.election = new MemoryElection(options.instanceId);
    this.distribution = new MemoryDistribution(options.distribution);
    this.interest = new MemoryInterest(options.interest);
    this.candles = new MemoryCandleHistory(() => this.election.confirmLeadership(), options.candles);
  }

  async close(): Promise<void> {}
}
