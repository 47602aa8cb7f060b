import type { UpstreamStatus } from '../upstream/upstream';
import { encodeLeaderReport, parseLeaderReport } from './leader-report';

const upstream: UpstreamStatus = {
  exchange: 'binance',
  connection: 'open',
  breaker: 'closed',
  connectedSince: 1_763_712_000_000,
  lastFrameAt: 1_763_712_000_500,
  reconnects: 2,
  symbols: { subscribed: 8, refused: [] },
  shards: [],
  connects: { used: 1, allowance: 240 },
  restFallback: { state: 'idle' } as UpstreamStatus['restFallback'],
  malformedFrames: 0,
};

describe('the leader report followers read', () => {
  it('carries every exchange upstream from the leader to a follower unchanged', () => {
    const coinbase = { ...upstream, exchange: 'coinbase', connection: 'connecting' as const };
    expect(parseLeaderReport(encodeLeaderReport([upstream, coinbase]))).toEqual([upstream, coinbase]);
  });

  it('passes on a connection state this version does not know, so a newer leader is still shown', () => {
    const report = JSON.stringify({ v: 1, upstreams: [{ ...upstream, connection: 'paused-by-venue' }] });
    expect(parseLeaderReport(report)?.[0]?.connection).toBe('paused-by-venue');
  });

  it.each([
    ['no report', undefined],
    ['an empty report', ''],
    ['text that is not JSON', '{"v":1,'],
    ['a report of an unknown version', JSON.stringify({ v: 2, upstreams: [upstream] })],
    ['a bare list without a version', JSON.stringify([upstream])],
    ['a report without upstreams', JSON.stringify({ v: 1, upstreams: [] })],
    [
      'an upstream without a connection',
      JSON.stringify({ v: 1, upstreams: [{ exchange: 'binance', breaker: 'closed' }] }),
    ],
    ['an upstream that is not an object', JSON.stringify({ v: 1, upstreams: ['open'] })],
  ])('reads %s as unknown', (_name, report) => {
    expect(parseLeaderReport(report)).toBeUndefined();
  });
});
