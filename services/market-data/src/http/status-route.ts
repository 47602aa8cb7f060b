/** `GET /v1/status`: the pod's self-description (see PodStatus). */
import { Router } from 'express';
import { readRoute, type CorsPolicy } from '@tickwire/service';
import type { ApiContext } from './api-context';

export function statusRoute(ctx: ApiContext, cors: CorsPolicy): Router {
  const router = Router();
  readRoute(router, '/v1/status', { params: [], cors }, (_req, res) => {
    res.set('Cache-Control', 'no-store').json(ctx.status());
  });
  return router;
}
