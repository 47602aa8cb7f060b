/**
 * The market-data REST routes, each admitted (key or anonymous, rate, scope) and then answered
 * by a healthy pod: `GET /v1/prices[?symbols=]`, `/v1/prices/:symbol`,
 * `/v1/candles/:symbol?interval=&limit=`, `/v1/status`. The gateway checks the parameter names
 * (any other is refused here); the pod checks their values.
 */
import { Router } from 'express';
import { readRoute, type CorsPolicy } from '@tickwire/service';
import type { AccessRule } from '../auth';
import type { ApiContext } from './api-context';

interface MarketRoute {
  path: string;
  params: readonly string[];
  rule: AccessRule;
}

const MARKET_ROUTES: readonly MarketRoute[] = [
  { path: '/v1/prices', params: ['symbols'], rule: { scope: 'read', anonymousGroup: 'prices' } },
  { path: '/v1/prices/:symbol', params: [], rule: { scope: 'read', anonymousGroup: 'prices' } },
  {
    path: '/v1/candles/:symbol',
    params: ['interval', 'limit'],
    rule: { scope: 'read', anonymousGroup: 'candles' },
  },
  { path: '/v1/status', params: [], rule: { scope: 'read', anonymousGroup: 'status' } },
];

export function marketRoutes(ctx: Pick<ApiContext, 'access' | 'proxy'>, cors: CorsPolicy): Router {
  const router = Router();
  for (const route of MARKET_ROUTES) {
    readRoute(router, route.path, { params: route.params, cors }, async (req, res) => {
      await ctx.access.admit(req, res, route.rule);
      await ctx.proxy.forward(req, res, req.originalUrl);
    });
  }
  return router;
}
