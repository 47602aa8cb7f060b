/**
 * Every metric the gateway exports (`tickwire_gateway_`), created once on the process registry
 * and passed to the components that update them.
 */
import type { RequestHandler } from 'express';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { METRIC_PREFIX } from '@tickwire/observability';

const name = (suffix: string) => `${METRIC_PREFIX}gateway_${suffix}`;

/** A pod answers REST from memory in about a millisecond; seconds mean trouble. */
const LATENCY_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

export interface GatewayMetricsSources {
  /** Pods configured, and those answering /readyz now. */
  pods(): { configured: number; healthy: number };
  /** Refusals of throttled addresses held back now (AUTH_THROTTLE_DELAY_MS). */
  heldRefusals(): number;
}

export function createGatewayMetrics(registry: Registry, sources: GatewayMetricsSources) {
  const registers = [registry];
  new Gauge({
    name: name('pods'),
    help: 'Market-data pods configured, by state (healthy: its /readyz answered 200 last).',
    labelNames: ['state'],
    registers,
    collect() {
      const { configured, healthy } = sources.pods();
      this.set({ state: 'healthy' }, healthy);
      this.set({ state: 'unhealthy' }, configured - healthy);
    },
  });
  new Gauge({
    name: name('auth_refusals_held'),
    help: 'Refusals of addresses throttled for failed authentications, held back before they are sent (AUTH_THROTTLE_DELAY_MS).',
    registers,
    collect() {
      this.set(sources.heldRefusals());
    },
  });
  return {
    requests: new Counter({
      name: name('requests_total'),
      help: 'Requests answered, by route and status.',
      labelNames: ['route', 'status'],
      registers,
    }),
    requestDuration: new Histogram({
      name: name('request_duration_seconds'),
      help: 'Time from a request to its response head, by route.',
      labelNames: ['route'],
      buckets: LATENCY_BUCKETS_SECONDS,
      registers,
    }),
    authFailures: new Counter({
      name: name('auth_failures_total'),
      help: 'Requests with a key that was refused, by reason (invalid, revoked, expired).',
      labelNames: ['reason'],
      registers,
    }),
    rateLimited: new Counter({
      name: name('rate_limited_total'),
      help: 'Requests refused with 429, by policy (key, ip, auth).',
      labelNames: ['policy'],
      registers,
    }),
    upstreamRequests: new Counter({
      name: name('upstream_requests_total'),
      help: 'Requests forwarded to pods, by outcome (ok, failed, timeout, no-pod).',
      labelNames: ['outcome'],
      registers,
    }),
    priceCacheRequests: new Counter({
      name: name('price_cache_requests_total'),
      help: 'Price requests served through the price cache, by outcome (hit: no pod request of its own; miss).',
      labelNames: ['outcome'],
      registers,
    }),
  };
}

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;

/** Counts and times every request by its route pattern (`unmatched` for 404s). */
export function requestMetrics(metrics: GatewayMetrics): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.once('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      metrics.requests.inc({ route, status: String(res.statusCode) });
      metrics.requestDuration.observe({ route }, Number(process.hrtime.bigint() - start) / 1e9);
    });
    next();
  };
}
