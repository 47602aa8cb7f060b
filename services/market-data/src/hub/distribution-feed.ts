/**
 * The hub's input: every batch the distribution delivers to this pod (the leader's too) goes
 * into the hub, and how long after its write it arrived is observed as the stream lag.
 */
import { parseStreamId, type Distribution, type TickBatch } from '@tickwire/cluster';
import type { PodMetrics } from '../metrics';
import type { Hub } from './hub';

/** Follows the distribution into the hub until the returned function is called. */
export function feedHub(
  distribution: Pick<Distribution, 'onBatch'>,
  hub: Pick<Hub, 'applyBatch'>,
  metrics: Pick<PodMetrics, 'streamLag'>,
): () => void {
  return distribution.onBatch((batch: TickBatch) => {
    hub.applyBatch(batch);
    const position = parseStreamId(batch.id);
    if (position) metrics.streamLag.observe(Math.max(0, Date.now() - Number(position.ms)) / 1000);
  });
}
