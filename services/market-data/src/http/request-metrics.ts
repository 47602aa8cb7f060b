/**
 * HTTP request metrics: `tickwire_http_requests_total{route,status}` and
 * `tickwire_http_request_duration_seconds{route}`. Routes served outside express record through
 * a RouteMeter, whose labelled children are resolved once per status, not per request; express
 * routes through the middleware.
 */
import type { RequestHandler } from 'express';
import type { Counter, Histogram } from 'prom-client';
import type { PodMetrics } from '../metrics';

type CounterChild = ReturnType<Counter<string>['labels']>;
type HistogramChild = ReturnType<Histogram<string>['labels']>;

export class RouteMeter {
  private readonly byStatus = new Map<number, CounterChild>();
  private readonly duration: HistogramChild;

  constructor(
    private readonly metrics: PodMetrics,
    private readonly route: string,
  ) {
    this.duration = metrics.httpDuration.labels({ route });
  }

  /** Counts a request answered with `status`; times it from `startedAt` (process.hrtime.bigint()). */
  record(status: number, startedAt: bigint | undefined): void {
    let counter = this.byStatus.get(status);
    if (counter === undefined) {
      counter = this.metrics.httpRequests.labels({ route: this.route, status: String(status) });
      this.byStatus.set(status, counter);
    }
    counter.inc();
    if (startedAt !== undefined) this.duration.observe(Number(process.hrtime.bigint() - startedAt) / 1e9);
  }
}

/** Counts every request express serves by route and status, and times it. */
export function requestMetrics(metrics: PodMetrics): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.once('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      metrics.httpRequests.inc({ route, status: String(res.statusCode) });
      metrics.httpDuration.observe({ route }, Number(process.hrtime.bigint() - start) / 1e9);
    });
    next();
  };
}
