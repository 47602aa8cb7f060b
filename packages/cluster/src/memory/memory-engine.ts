/** The default engine: one pod, no Redis, always leader. */
import type { Engine } from '../engine';
import { MemoryDistribution, type MemoryDistributionOptions } from './memory-distribution';
import { MemoryElection } from './memory-election';

export interface MemoryEngineOptions {
  instanceId: string;
  distribution?: Partial<MemoryDistributionOptions>;
}

export class MemoryEngine implements Engine {
  readonly kind = 'memory' as const;
  readonly election: MemoryElection;
  readonly distribution: MemoryDistribution;

  constructor(options: MemoryEngineOptions) {
    this.election = new MemoryElection(options.instanceId);
    this.distribution = new MemoryDistribution(options.distribution);
  }

  async close(): Promise<void> {}
}
