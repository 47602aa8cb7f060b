/** `/v1/watchlists[/:id]`: an owner's lists of symbols. */
import { Router } from 'express';
import { resourceRoute, type CorsPolicy } from '@tickwire/service';
import { watchlistInput, watchlistPatch } from '../store';
import type { ApiContext } from './api-context';
import { PAGE_PARAMS, pathId, readBody, readPage, requireOwner } from './request-input';
import { canonicalSymbols } from './symbol-input';

export function watchlistsRoutes(ctx: ApiContext, cors: CorsPolicy): Router {
  const router = Router();
  const { catalog } = ctx;
  resourceRoute(router, '/v1/watchlists', {
    cors,
    methods: {
      GET: {
        params: PAGE_PARAMS,
        handler: async (req, res) => {
          const owner = await requireOwner(req, catalog);
          const page = await catalog.listWatchlists(owner.id, readPage(req.query));
          res.json({ watchlists: page.items, total: page.total });
        },
      },
      POST: {
        params: [],
        handler: async (req, res) => {
          const owner = await requireOwner(req, catalog);
          const input = await readBody(req, watchlistInput);
          const symbols = canonicalSymbols(input.symbols, ctx.defaultExchange);
          const created = await catalog.createWatchlist(owner.id, { ...input, symbols });
          res.status(201).json(created);
        },
      },
    },
  });
  resourceRoute(router, '/v1/watchlists/:id', {
    cors,
    methods: {
      GET: {
        params: [],
        handler: async (req, res) => {
          const owner = await requireOwner(req, catalog);
          res.json(await catalog.watchlist(owner.id, pathId(req, 'watchlist')));
        },
      },
      PATCH: {
        params: [],
        handler: async (req, res) => {
          const owner = await requireOwner(req, catalog);
          const id = pathId(req, 'watchlist');
          const patch = await readBody(req, watchlistPatch);
          const symbols = patch.symbols && canonicalSymbols(patch.symbols, ctx.defaultExchange);
          const change = symbols === undefined ? patch : { ...patch, symbols };
          res.json(await catalog.updateWatchlist(owner.id, id, change));
        },
      },
      DELETE: {
        params: [],
        handler: async (req, res) => {
          const owner = await requireOwner(req, catalog);
          await catalog.deleteWatchlist(owner.id, pathId(req, 'watchlist'));
          res.status(204).end();
        },
      },
    },
  });
  return router;
}
