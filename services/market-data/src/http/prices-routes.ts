/**
 * `GET /v1/prices[?symbols=]`, `GET /v1/prices/:symbol` and `GET /v1/candles/:symbol`. Bodies
 * carry an ETag (express's, over the body), so pollers that send If-None-Match get a 304.
 */
import { Router } from 'express';
import type { Ticker } from '@tickwire/core';
import type { ApiContext } from './api-context';
import { httpErrors } from './errors';
import {
  parseIntegerParam,
  parseIntervalParam,
  parseSymbolPath,
  parseSymbolsParam,
  singleParam,
} from './query';

/** Prices change every second; a cache may serve one this old before revalidating. */
const PRICES_CACHE_CONTROL = 'public, max-age=1, must-revalidate';

export function pricesRoutes(ctx: ApiContext): Router {
  const router = Router();
  const isKnown = (symbol: string) => ctx.isKnownSymbol(symbol);
  const present = (ticker: Ticker) => ({
    ...ticker,
    stale: ctx.isStale(ticker),
  });

  router.get('/v1/prices', (req, res) => {
    const raw = singleParam(req.query, 'symbols');
    const symbols =
      raw === undefined
        ? ctx.symbols
        : parseSymbolsParam(raw, { max: ctx.limits.maxSymbolsPerRequest, isKnown });
    const prices = symbols.flatMap((symbol) => {
      const ticker = ctx.hub.ticker(symbol);
      return ticker ? [present(ticker)] : [];
    });
    res
      .set('Cache-Control', PRICES_CACHE_CONTROL)
      .json({ prices, missing: symbols.filter((s) => !ctx.hub.ticker(s)) });
  });

  router.get('/v1/prices/:symbol', (req, res) => {
    const symbol = parseSymbolPath(req.params.symbol, isKnown);
    const ticker = ctx.hub.ticker(symbol);
    if (!ticker) throw httpErrors.priceUnavailable(symbol);
    res.set('Cache-Control', PRICES_CACHE_CONTROL).json(present(ticker));
  });

  router.get('/v1/candles/:symbol', (req, res) => {
    const query = req.query as Record<string, unknown>;
    const symbol = parseSymbolPath(req.params.symbol, isKnown);
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
