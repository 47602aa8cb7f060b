import { engineContract } from '../engine.contract';
import { MemoryDistribution } from './memory-distribution';
import { MemoryEngine } from './memory-engine';

describe('memory engine', () => {
  engineContract({ create: async (instanceId) => new MemoryEngine({ instanceId }) });
});

describe('MemoryDistribution retention', () => {
  it('forgets batches beyond its retention, so old ids are not recovered', async () => {
    const distribution = new MemoryDistribution({ retainedBatches: 2 });
    const tick = {
      exchange: 'binance' as const,
      symbol: 'X',
      last: '1',
      eventTime: 1,
      receiveTime: 1,
      source: 'ws' as const,
    };
    const first = await distribution.publish([tick]);
    const second = await distribution.publish([tick]);
    await distribution.publish([tick]);
    await distribution.publish([tick]);
    expect(await distribution.replaySince(first)).toEqual({ recovered: false });
    expect(await distribution.replaySince(second)).toEqual({ recovered: false });
  });
});
