/** `GET /v1/candles/:symbol?interval=1m&limit=500`: candles the hub aggregated from the ticks. */
import { Router } from 'express';
import { readRoute, type CorsPolicy } from '@tickwire/service';
import type { ApiContext } from './api-context';
import { PRICES_CACHE_CONTROL } from './prices-routes';
import { parseIntegerParam, parseIntervalParam, parseSymbolPath, singleParam } from './query';

export function candlesRoute(ctx: Pick<ApiContext, 'symbols' | 'limits' | 'hub'>, cors: CorsPolicy): Router {
  const router = Router();
  readRoute(router, '/v1/candles/:symbol', { params: ['interval', 'limit'], cors }, (req, res) => {
    const query = req.query as Record<string, unknown>;
    const symbol = parseSymbolPath(req.params.symbol as string, ctx.symbols);
    const interval = parseIntervalParam(singleParam(query, 'interval'), '1m');
    const limit = parseIntegerParam(singleParam(query, 'limit'), 'limit', {
      min: 1,
      max: ctx.limits.candleHistory,
      fallback: ctx.limits.candleHistory,
    });
    const candles = ctx.hub.candleHistory(symbol, interval, limit);
    res.set('Cache-Control', PRICES_CACHE_CONTROL).json({ symbol, interval, candles });
  });
  return router;
}
