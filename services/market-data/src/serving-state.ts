/**
 * What a pod tells clients about the data it serves: `live` (fresh prices, upstream open),
 * `degraded` (prices still fresh but the upstream is reconnecting), `stale` (no fresh prices).
 */
import type { LeadershipState } from '@tickwire/cluster';
import type { UpstreamStatus } from './upstream/upstream';

export type ServingState = 'live' | 'degraded' | 'stale';

export interface ServingInputs {
  now: number;
  staleAfterMs: number;
  /** When the last batch reached this pod's hub (ms), undefined if none has. */
  lastBatchAt: number | undefined;
  /** The upstream's status when this pod runs it (the leader), else undefined. */
  upstream: UpstreamStatus | undefined;
  leadership: LeadershipState;
}

export function servingState(inputs: ServingInputs): ServingState {
  if (inputs.lastBatchAt === undefined || inputs.now - inputs.lastBatchAt > inputs.staleAfterMs)
    return 'stale';
  if (inputs.leadership.role === 'leader' && inputs.upstream?.connection !== 'open') return 'degraded';
  return 'live';
}

/** A ticker is stale when it was received longer ago than the limit. */
export function isTickerStale(receiveTime: number, now: number, staleAfterMs: number): boolean {
  return now - receiveTime > staleAfterMs;
}
