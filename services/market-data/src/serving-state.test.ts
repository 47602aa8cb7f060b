import { servingState, type ServingInputs } from './serving-state';

const leader = { role: 'leader' as const, instanceId: 'a', leaderId: 'a', epoch: 1 };
const openUpstream = {
  exchange: 'binance',
  connection: 'open' as const,
  connectedSince: 1,
  lastFrameAt: 1,
  reconnects: 0,
  malformedFrames: 0,
};
const base: ServingInputs = {
  now: 10_000,
  staleAfterMs: 5_000,
  lastBatchAt: 9_000,
  upstream: openUpstream,
  leadership: leader,
};

describe('servingState', () => {
  it('is live when prices are fresh and the upstream is open', () => {
    expect(servingState(base)).toBe('live');
  });

  it('is stale before the first batch and when the last batch is older than the limit', () => {
    expect(servingState({ ...base, lastBatchAt: undefined })).toBe('stale');
    expect(servingState({ ...base, lastBatchAt: 4_999 })).toBe('stale');
  });

  it('is degraded while the leader reconnects but prices are still fresh', () => {
    expect(servingState({ ...base, upstream: { ...openUpstream, connection: 'waiting' } })).toBe('degraded');
  });

  it('judges a follower by the freshness of what it receives only', () => {
    const follower = { ...leader, role: 'follower' as const, instanceId: 'b' };
    expect(servingState({ ...base, upstream: undefined, leadership: follower })).toBe('live');
  });
});
