import { engineContract } from '../engine.contract';
import { MemoryDistribution } from './memory-distribution';
import { MemoryEngine } from './memory-engine';
import { MemoryInterest } from './memory-interest';

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

describe('MemoryInterest', () => {
  it('expires leases on its injected clock, at the expiry itself', async () => {
    let now = 1_000;
    const interest = new MemoryInterest({ now: () => now });
    expect(await interest.touch(['BTCUSDT', 'ETHUSDT'], 500)).toEqual(['BTCUSDT', 'ETHUSDT']);
    now = 1_300;
    expect(await interest.touch(['ETHUSDT'], 500)).toEqual([]);
    now = 1_500;
    expect(await interest.wanted()).toEqual(['ETHUSDT']);
    now = 1_800;
    expect(await interest.wanted()).toEqual([]);
    expect(await interest.touch(['ETHUSDT'], 500)).toEqual(['ETHUSDT']);
  });

  it('calls listeners after touch has returned, never inside it, and keeps calling the others when one throws', async () => {
    const errors: object[] = [];
    const logger = { debug() {}, info() {}, warn() {}, error: (object: object) => errors.push(object) };
    const interest = new MemoryInterest({ logger });
    await interest.start();
    const heard: string[][] = [];
    interest.onAdded(() => {
      throw new Error('listener bug');
    });
    interest.onAdded((symbols) => heard.push(symbols));
    const touched = interest.touch(['BTCUSDT'], 1_000);
    expect(heard).toEqual([]);
    await touched;
    expect(heard).toEqual([['BTCUSDT']]);
    expect(errors).toEqual([{ err: 'listener bug' }]);
    await interest.stop();
  });
});
