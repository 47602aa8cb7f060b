/**
 * Operations endpoints every service serves: `/livez` (the process answers), `/readyz` (route
 * traffic here), `/health` (application/health+json for uptime monitors, 503 when failing) and
 * `/metrics` (Prometheus). The service tells them what to say through callbacks.
 */
import { Router } from 'express';
import type { Registry } from 'prom-client';
import { HEALTH_MEDIA_TYPE, healthHttpStatus, type HealthReport } from '@tickwire/observability';
import { readRoute } from '../http/read-route';
import type { CorsPolicy } from '../http/cors-policy';

/** Why a service is or is not taking traffic. */
export type Readiness = 'ready' | 'starting' | 'shutting-down';

export interface OpsRoutesOptions {
  readiness(): Readiness;
  health(): HealthReport;
  registry: Registry;
  cors: CorsPolicy;
}

export function opsRoutes(options: OpsRoutesOptions): Router {
  const router = Router();
  const route = { params: [], cors: options.cors };

  readRoute(router, '/livez', route, (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });

  readRoute(router, '/readyz', route, (_req, res) => {
    const status = options.readiness();
    res
      .status(status === 'ready' ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({ status });
  });

  readRoute(router, '/health', route, (_req, res) => {
    const report = options.health();
    res
      .status(healthHttpStatus(report.status))
      .set('Cache-Control', 'no-store')
      .type(HEALTH_MEDIA_TYPE)
      .send(JSON.stringify(report));
  });

  readRoute(router, '/metrics', route, async (_req, res) => {
    const body = await options.registry.metrics();
    res.set('Cache-Control', 'no-store').type(options.registry.contentType).send(body);
  });

  return router;
}
