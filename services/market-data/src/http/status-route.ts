/** `GET /v1/status`: the pod's self-description (see PodStatus). */
import { Router } from 'express';
import { readRoute, type CorsPolicy } from '@tickwire/service';
import type { PodView } from './api-context';

export function statusRoute(pod: Pick<PodView, 'status'>, cors: CorsPolicy): Router {
  const router = Router();
  readRoute(router, '/v1/status', { params: [], cors }, (_req, res) => {
    res.set('Cache-Control', 'no-store').json(pod.status());
  });
  return router;
}
