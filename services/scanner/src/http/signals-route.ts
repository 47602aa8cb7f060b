/** `GET /v1/signals?strategy=&symbol=&since=&limit=&cursor=`: the owner's signals, newest first. */
import { Router } from 'express';
import { readRoute, type CorsPolicy } from '@tickwire/service';
import type { ApiContext } from './api-context';
import { httpErrors } from './api-errors';
import {
  DEFAULT_PAGE_LIMIT,
  MAX_PAGE_LIMIT,
  requireOwner,
  streamCursor,
  textParam,
  wholeNumber,
} from './request-input';
import { readSignalFilters, SIGNAL_FILTER_PARAMS } from './signal-filters';

const SIGNALS_PARAMS = [...SIGNAL_FILTER_PARAMS, 'since', 'limit', 'cursor'] as const;

export function signalsRoute(ctx: ApiContext, cors: CorsPolicy): Router {
  const router = Router();
  readRoute(router, '/v1/signals', { params: SIGNALS_PARAMS, cors }, async (req, res) => {
    const owner = await requireOwner(req, ctx.catalog);
    const query = req.query as Record<string, unknown>;
    const filters = readSignalFilters(query, ctx.defaultExchange);
    const cursor = streamCursor(query, 'cursor');
    const since = sinceOf(textParam(query, 'since'));
    const page = await ctx.signals.query({
      ownerId: owner.id,
      ...filters,
      ...(since === undefined ? {} : { since }),
      ...(cursor === undefined ? {} : { before: cursor }),
      limit: wholeNumber(query, 'limit', 1, MAX_PAGE_LIMIT) ?? DEFAULT_PAGE_LIMIT,
    });
    res.set('Cache-Control', 'no-store').json({
      signals: page.signals.map(({ streamId, signal }) => ({ ...signal, storedId: streamId })),
      nextCursor: page.nextCursor,
    });
  });
  return router;
}

/** ms since the epoch, or an ISO 8601 time. */
function sinceOf(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isSafeInteger(value) || value < 0)
    throw httpErrors.badRequest(
      'since must be ms since the epoch or an ISO 8601 time (2026-12-06T10:00:00Z)',
    );
  return value;
}
