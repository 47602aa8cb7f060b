/**
 * Operations endpoints: `/livez` (the process answers), `/readyz` (route traffic here),
 * `/health` (application/health+json for uptime monitors, 503 when failing), `/metrics`
 * (Prometheus) and `/v1/status`.
 */
import { Router } from 'express';
import { HEALTH_MEDIA_TYPE, healthHttpStatus } from '@tickwire/observability';
import type { ApiContext } from './api-context';

export function opsRoutes(ctx: ApiContext): Router {
  const router = Router();

  router.get('/livez', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });

  router.get('/readyz', (_req, res) => {
    const ready = ctx.isReady();
    res
      .status(ready ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({ status: ready ? 'ready' : ctx.isShuttingDown() ? 'shutting-down' : 'starting' });
  });

  router.get('/health', (_req, res) => {
    const report = ctx.health();
    res
      .status(healthHttpStatus(report.status))
      .set('Cache-Control', 'no-store')
      .type(HEALTH_MEDIA_TYPE)
      .send(JSON.stringify(report));
  });

  router.get('/metrics', async (_req, res) => {
    const body = await ctx.registry.metrics();
    res.set('Cache-Control', 'no-store').type(ctx.registry.contentType).send(body);
  });

  router.get('/v1/status', (_req, res) => {
    res.set('Cache-Control', 'no-store').json(ctx.status());
  });

  return router;
}
