/**
 * The operators' routes (scope `admin`) besides keys: `GET /v1/admin/cluster` (pods, leader and
 * epoch, upstreams with breaker and REST fallback, symbols, scanner heartbeat, price cache),
 * `GET /v1/admin/cache` (the price cache's figures) and `DELETE /v1/admin/cache` (clears it).
 */
import { Router } from 'express';
import { resourceRoute, type CorsPolicy } from '@tickwire/service';
import { actorOf, ADMIN_ONLY } from '../auth';
import type { ApiContext } from './api-context';

export function adminClusterRoutes(
  ctx: Pick<ApiContext, 'access' | 'cluster' | 'priceCache' | 'logger'>,
  cors: CorsPolicy,
): Router {
  const router = Router();
  const log = ctx.logger.child({ component: 'admin' });
  resourceRoute(router, '/v1/admin/cluster', {
    cors,
    methods: {
      GET: {
        params: [],
        handler: async (req, res) => {
          await ctx.access.admit(req, res, ADMIN_ONLY);
          const report = await ctx.cluster.read();
          res.set('Cache-Control', 'no-store').json({ ...report, priceCache: ctx.priceCache.stats() });
        },
      },
    },
  });
  resourceRoute(router, '/v1/admin/cache', {
    cors,
    methods: {
      GET: {
        params: [],
        handler: async (req, res) => {
          await ctx.access.admit(req, res, ADMIN_ONLY);
          res.set('Cache-Control', 'no-store').json(ctx.priceCache.stats());
        },
      },
      DELETE: {
        params: [],
        handler: async (req, res) => {
          const caller = await ctx.access.admit(req, res, ADMIN_ONLY);
          const cleared = ctx.priceCache.clear();
          log.info({ cleared, by: actorOf(caller) }, 'price cache cleared');
          res.set('Cache-Control', 'no-store').json({ cleared });
        },
      },
    },
  });
  return router;
}
