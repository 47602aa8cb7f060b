/**
 * `GET /v1/candles/:symbol?interval=1m&limit=500`: the cluster's closed candles (the same on
 * every pod, across restarts) and this pod's open candle last, with the state of the history:
 * `complete`, `pending` (the leader is backfilling it from the exchange) or `unavailable` (the
 * exchange serves no past candles of this interval, or refuses them to this account: history
 * starts with the relay), then with `backfillReason` `{code, message}`.
 */
import { Router } from 'express';
import { readRoute, type CorsPolicy } from '@tickwire/service';
import type { ApiContext } from './api-context';
import { PRICES_CACHE_CONTROL } from './prices-routes';
import { parseIntegerParam, parseIntervalParam, parseSymbolPath, singleParam } from './query';

export function candlesRoute(
  ctx: Pick<ApiContext, 'symbols' | 'limits' | 'candles'>,
  cors: CorsPolicy,
): Router {
  const router = Router();
  readRoute(router, '/v1/candles/:symbol', { params: ['interval', 'limit'], cors }, async (req, res) => {
    const query = req.query as Record<string, unknown>;
    const symbol = parseSymbolPath(req.params.symbol as string, ctx.symbols);
    const interval = parseIntervalParam(singleParam(query, 'interval'), '1m');
    const limit = parseIntegerParam(singleParam(query, 'limit'), 'limit', {
      min: 1,
      max: ctx.limits.candleHistory,
      fallback: ctx.limits.candleHistory,
    });
    const { candles, backfill, backfillReason } = await ctx.candles.read({ symbol, interval }, limit);
    res
      .set('Cache-Control', PRICES_CACHE_CONTROL)
      .json({ symbol, interval, backfill, ...(backfillReason && { backfillReason }), candles });
  });
  return router;
}
