import { servingState, type ServingInputs } from './serving-state';

const base: ServingInputs = {
  now: 10_000,
  staleAfterMs: 5_000,
  lastBatchAt: 9_000,
  distributionConnected: true,
  upstreamConnection: 'open',
};

describe('servingState', () => {
  it('is live when prices are fresh and the upstream is open', () => {
    expect(servingState(base)).toBe('live');
  });

  it('is stale before the first batch and when the last batch is older than the limit', () => {
    expect(servingState({ ...base, lastBatchAt: undefined })).toBe('stale');
    expect(servingState({ ...base, lastBatchAt: 4_999 })).toBe('stale');
  });

  it('is stale at once when the pod loses its feed from Redis, however fresh its last batch', () => {
    expect(servingState({ ...base, distributionConnected: false })).toBe('stale');
  });

  it('is degraded while the upstream reconnects, is silent or no leader is known, but prices are still fresh', () => {
    expect(servingState({ ...base, upstreamConnection: 'waiting' })).toBe('degraded');
    expect(servingState({ ...base, upstreamConnection: 'silent' })).toBe('degraded');
    expect(servingState({ ...base, upstreamConnection: undefined })).toBe('degraded');
  });

  it('is not stale for want of new prices while every market is closed, but still without Redis', () => {
    expect(servingState({ ...base, lastBatchAt: undefined, marketsClosed: true })).toBe('live');
    expect(
      servingState({ ...base, lastBatchAt: 4_999, marketsClosed: true, upstreamConnection: 'waiting' }),
    ).toBe('degraded');
    expect(servingState({ ...base, marketsClosed: true, distributionConnected: false })).toBe('stale');
  });
});
