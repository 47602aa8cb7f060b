/**
 * `GET /v1/destinations/:id/dead-letters?limit=&cursor=`: the signals a destination will not
 * get (Discord refused them, they failed every attempt, or the webhook was gone), newest first,
 * with the code and reason; `nextCursor` pages on. Dead letters are kept for the owner to see,
 * never sent again.
 */
import { Router } from 'express';
import { readRoute, type CorsPolicy } from '@tickwire/service';
import type { ApiContext } from './api-context';
import { deadLetterView } from './destination-view';
import {
  DEFAULT_PAGE_LIMIT,
  MAX_PAGE_LIMIT,
  pathId,
  requireOwner,
  streamCursor,
  wholeNumber,
} from './request-input';

const DEAD_LETTERS_PARAMS = ['limit', 'cursor'] as const;

export function deadLettersRoute(ctx: ApiContext, cors: CorsPolicy): Router {
  const router = Router();
  readRoute(
    router,
    '/v1/destinations/:id/dead-letters',
    { params: DEAD_LETTERS_PARAMS, cors },
    async (req, res) => {
      const owner = await requireOwner(req, ctx.catalog);
      const query = req.query as Record<string, unknown>;
      const limit = wholeNumber(query, 'limit', 1, MAX_PAGE_LIMIT) ?? DEFAULT_PAGE_LIMIT;
      const cursor = streamCursor(query, 'cursor');
      // Another owner's destination is as missing as one that does not exist.
      const destination = await ctx.catalog.destination(owner.id, pathId(req, 'destination'));
      // One more than asked tells whether a next page exists.
      const letters = await ctx.delivery.deadLetters(destination.id, limit + 1, cursor);
      const page = letters.slice(0, limit);
      res.set('Cache-Control', 'no-store').json({
        deadLetters: page.map(deadLetterView),
        nextCursor: letters.length > limit ? page[page.length - 1]!.entryId : null,
      });
    },
  );
  return router;
}
