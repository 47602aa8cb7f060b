/**
 * An Upstream on a simulator for the integration tests: quick backoff, no rotation, no REST
 * polling and no symbol re-subscription within a test's time, silent logs and its own metrics.
 * Tests override what they are about.
 */
import { createLogger, createMetricsRegistry } from '@tickwire/observability';
import { createPodMetrics } from '../metrics';
import { Upstream, type UpstreamOptions } from '../upstream/upstream';
import { testRestClient } from './rest-client';

/** Where the simulator serves its WebSocket and REST API. */
export interface SimEndpoints {
  wsUrl: string;
  url: string;
}

export function testUpstream(
  sim: SimEndpoints,
  options: Pick<UpstreamOptions, 'adapter' | 'symbols'> & Partial<UpstreamOptions>,
): Upstream {
  return new Upstream({
    wsBaseUrl: sim.wsUrl,
    restBaseUrl: sim.url,
    rest: testRestClient([{ adapter: options.adapter, restBaseUrl: sim.url, symbols: options.symbols }]),
    restPollMs: 60_000,
    watchdogMs: 10_000,
    backoffBaseMs: 20,
    backoffMaxMs: 200,
    breakerFailures: 5,
    breakerResetMs: 60_000,
    rotateAfterMs: 86_400_000,
    rotationOverlapMs: 500,
    symbolStaleMs: 60_000,
    logger: createLogger({ level: 'silent', service: 'test' }),
    metrics: createPodMetrics(createMetricsRegistry({ defaultMetrics: false })),
    onUpdates: () => {},
    ...options,
  });
}
