/**
 * What a pod tells clients about the data it serves: `live` (fresh prices, upstream open),
 * `degraded` (prices still fresh but the cluster's upstream is reconnecting, silent past its
 * cadence, or changing hands),
 * `stale` (no fresh prices, or this pod lost its feed from Redis and serves what it last had).
 */
import type { FeedState } from '../upstream/feed-connection';

export type ServingState = 'live' | 'degraded' | 'stale';

export interface ServingInputs {
  now: number;
  staleAfterMs: number;
  /** When the last batch reached this pod's hub (ms), undefined if none has. */
  lastBatchAt: number | undefined;
  /** Whether this pod follows the distribution right now (false while Redis is away). */
  distributionConnected: boolean;
  /**
   * The cluster's exchange connection as this pod knows it: its own when it leads, the
   * leader's report otherwise; undefined when no leader is known.
   */
  upstreamConnection: FeedState | undefined;
  /**
   * Every exchange of the cluster said its market is closed (stocks overnight): no new prices is
   * then the market, not a stale feed. Absent: false.
   */
  marketsClosed?: boolean;
}

export function servingState(inputs: ServingInputs): ServingState {
  if (!inputs.distributionConnected) return 'stale';
  const noFreshBatch =
    inputs.lastBatchAt === undefined || inputs.now - inputs.lastBatchAt > inputs.staleAfterMs;
  if (noFreshBatch && !inputs.marketsClosed) return 'stale';
  if (inputs.upstreamConnection !== 'open') return 'degraded';
  return 'live';
}

/** A ticker is stale when it was received longer ago than the limit. */
export function isTickerStale(receiveTime: number, now: number, staleAfterMs: number): boolean {
  return now - receiveTime > staleAfterMs;
}
