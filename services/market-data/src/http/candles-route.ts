/**
 * `GET /v1/candles/:symbol?interval=1m&limit=500`: the cluster's closed candles (the same on
 * every pod, across restarts) and this pod's open candle last, with the state of the history:
 * `complete`, `pending` (the leader is backfilling it from the exchange) or `unavailable` (the
 * exchange serves no past candles of this interval, or refuses them to this account: history
 * starts with the relay), then with `backfillReason` `{code, message}`.
 *
 * `?from=&to=` (open times, ms; `to` defaults to now) pages through the closed candles of a
 * range instead, from the history database (HISTORY_DATABASE_URL): up to `limit` candles and
 * `next`, the `from` of the following page (null on the last).
 */
import { Router } from 'express';
import { CANDLE_INTERVAL_MS } from '@tickwire/core';
import { readRoute, type CorsPolicy } from '@tickwire/service';
import { HistoryUnavailableError } from '../candles';
import type { ApiContext } from './api-context';
import { httpErrors } from './errors';
import { PRICES_CACHE_CONTROL } from './prices-routes';
import { parseIntegerParam, parseIntervalParam, parseSymbolPath, parseTimeParam, singleParam } from './query';

/** Candles one `from`/`to` page holds at most, and without `limit`. */
export const MAX_CANDLE_PAGE = 1_000;
export const DEFAULT_CANDLE_PAGE = 500;
/** The longest range one `from`/`to` request may span, in intervals (69 days of 1m, 11 years of 1h). */
export const MAX_CANDLE_SPAN_INTERVALS = 100_000;

export function candlesRoute(
  ctx: Pick<ApiContext, 'symbols' | 'limits' | 'candles' | 'candlePages'>,
  cors: CorsPolicy,
): Router {
  const router = Router();
  readRoute(
    router,
    '/v1/candles/:symbol',
    { params: ['interval', 'limit', 'from', 'to'], cors },
    async (req, res) => {
      const query = req.query as Record<string, unknown>;
      const symbol = parseSymbolPath(req.params.symbol as string, ctx.symbols);
      const interval = parseIntervalParam(singleParam(query, 'interval'), '1m');
      const from = parseTimeParam(singleParam(query, 'from'), 'from');
      const to = parseTimeParam(singleParam(query, 'to'), 'to');
      res.set('Cache-Control', PRICES_CACHE_CONTROL);
      if (from === undefined && to === undefined) {
        const limit = parseIntegerParam(singleParam(query, 'limit'), 'limit', {
          min: 1,
          max: ctx.limits.candleHistory,
          fallback: ctx.limits.candleHistory,
        });
        const { candles, backfill, backfillReason } = await ctx.candles.read({ symbol, interval }, limit);
        res.json({ symbol, interval, backfill, ...(backfillReason && { backfillReason }), candles });
        return;
      }
      if (!ctx.candlePages) throw httpErrors.historyNotConfigured();
      if (from === undefined)
        throw httpErrors.badRequest('"from" is required with "to": the first open time (ms)');
      const until = to ?? Date.now();
      if (from > until) throw httpErrors.badRequest(`"from" (${from}) must not be after "to" (${until})`);
      const span = MAX_CANDLE_SPAN_INTERVALS * CANDLE_INTERVAL_MS[interval];
      if (until - from > span)
        throw httpErrors.badRequest(
          `"to" must be at most ${MAX_CANDLE_SPAN_INTERVALS} intervals (${span} ms of ${interval}) after "from"; page with smaller ranges`,
        );
      const limit = parseIntegerParam(singleParam(query, 'limit'), 'limit', {
        min: 1,
        max: MAX_CANDLE_PAGE,
        fallback: DEFAULT_CANDLE_PAGE,
      });
      try {
        const page = await ctx.candlePages.page({ symbol, interval }, from, until, limit);
        res.json({ symbol, interval, from, to: until, ...page });
      } catch (error) {
        if (error instanceof HistoryUnavailableError) throw httpErrors.historyUnavailable(error.message);
        throw error;
      }
    },
  );
  return router;
}
