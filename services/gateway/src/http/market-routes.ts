/**
 * The market-data REST routes, each admitted (key or anonymous, rate, scope) and then answered
 * by a healthy pod (prices and the market list through the gateway's short-lived price cache):
 * `GET /v1/prices[?symbols=]`, `/v1/prices/:symbol`, `/v1/markets[?venue=&q=&sort=&order=&limit=]`,
 * `/v1/candles/:symbol?interval=&limit=[&from=&to=]`, `/v1/status`. The gateway checks the parameter names
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
  /** Answered through the price cache (the pods allow a second's reuse of prices). */
  cached?: boolean;
}

const MARKET_ROUTES: readonly MarketRoute[] = [
  {
    path: '/v1/prices',
    params: ['symbols'],
    rule: { scope: 'read', anonymousGroup: 'prices' },
    cached: true,
  },
  { path: '/v1/prices/:symbol', params: [], rule: { scope: 'read', anonymousGroup: 'prices' }, cached: true },
  {
    path: '/v1/markets',
    params: ['venue', 'q', 'sort', 'order', 'limit'],
    // A list of prices: read, cached and opened to anonymous callers with them.
    rule: { scope: 'read', anonymousGroup: 'prices' },
    cached: true,
  },
  {
    path: '/v1/candles/:symbol',
    params: ['interval', 'limit', 'from', 'to'],
    rule: { scope: 'read', anonymousGroup: 'candles' },
  },
  { path: '/v1/status', params: [], rule: { scope: 'read', anonymousGroup: 'status' } },
];

export function marketRoutes(
  ctx: Pick<ApiContext, 'access' | 'proxy' | 'priceCache'>,
  cors: CorsPolicy,
): Router {
  const router = Router();
  for (const route of MARKET_ROUTES) {
    readRoute(router, route.path, { params: route.params, cors }, async (req, res) => {
      await ctx.access.admit(req, res, route.rule);
      if (route.cached && ctx.priceCache.enabled) await ctx.priceCache.serve(req, res, req.originalUrl);
      else await ctx.proxy.forward(req, res, req.originalUrl);
    });
  }
  return router;
}
