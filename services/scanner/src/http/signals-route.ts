/** `GET /v1/signals?strategy=&symbol=&since=&limit=&cursor=`: the owner's signals, newest first. */
import { Router } from 'express';
import { readRoute, type CorsPolicy } from '@tickwire/service';
import { recordId } from '../store';
import type { ApiContext } from './api-context';
import { httpErrors } from './api-errors';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, requireOwner, wholeNumber } from './request-input';
import { canonicalSymbols } from './symbol-input';

const SIGNALS_PARAMS = ['strategy', 'symbol', 'since', 'limit', 'cursor'] as const;
const STREAM_ID = /^\d{1,16}-\d{1,16}$/;

export function signalsRoute(ctx: ApiContext, cors: CorsPolicy): Router {
  const router = Router();
  readRoute(router, '/v1/signals', { params: SIGNALS_PARAMS, cors }, async (req, res) => {
    const owner = await requireOwner(req, ctx.catalog);
    const query = req.query as Record<string, unknown>;
    const strategyId = text(query, 'strategy');
    if (strategyId !== undefined && !recordId.safeParse(strategyId).success)
      throw httpErrors.badRequest('strategy must be a strategy id');
    const symbol = text(query, 'symbol');
    const cursor = text(query, 'cursor');
    if (cursor !== undefined && !STREAM_ID.test(cursor))
      throw httpErrors.badRequest('cursor must be the nextCursor of a previous answer');
    const since = sinceOf(text(query, 'since'));
    const page = await ctx.signals.query({
      ownerId: owner.id,
      ...(strategyId === undefined ? {} : { strategyId }),
      ...(symbol === undefined ? {} : { symbol: canonicalSymbols([symbol], ctx.defaultExchange)[0]! }),
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

function text(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '')
    throw httpErrors.badRequest(`${name} must be given once, not empty`);
  return value;
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
