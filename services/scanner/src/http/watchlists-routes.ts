/** `/v1/watchlists[/:id]`: an owner's lists of symbols, stored in canonical form. */
import { Router } from 'express';
import type { CorsPolicy } from '@tickwire/service';
import { watchlistInput, watchlistPatch } from '../store';
import type { ApiContext } from './api-context';
import { ownedCollectionRoutes } from './owned-collection-routes';
import { canonicalSymbols } from './symbol-input';

export function watchlistsRoutes(ctx: ApiContext, cors: CorsPolicy): Router {
  const router = Router();
  const { catalog, defaultExchange } = ctx;
  ownedCollectionRoutes(router, catalog, cors, {
    path: '/v1/watchlists',
    kind: 'watchlist',
    listKey: 'watchlists',
    input: watchlistInput,
    patch: watchlistPatch,
    list: (owner, page) => catalog.listWatchlists(owner, page),
    create: (owner, input) =>
      catalog.createWatchlist(owner, { ...input, symbols: canonicalSymbols(input.symbols, defaultExchange) }),
    read: (owner, id) => catalog.watchlist(owner, id),
    update: (owner, id, patch) =>
      catalog.updateWatchlist(
        owner,
        id,
        patch.symbols === undefined
          ? patch
          : { ...patch, symbols: canonicalSymbols(patch.symbols, defaultExchange) },
      ),
    remove: (owner, id) => catalog.deleteWatchlist(owner, id),
  });
  return router;
}
