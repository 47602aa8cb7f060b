/** `/v1/strategies[/:id]`: an owner's strategies, each over one watchlist, sent to some destinations. */
import { Router } from 'express';
import type { CorsPolicy } from '@tickwire/service';
import { parseStrategyDocument, type StrategyDocument } from '../strategy';
import { strategyInput, strategyPatch } from '../store';
import type { ApiContext } from './api-context';
import { httpErrors } from './api-errors';
import { ownedCollectionRoutes } from './owned-collection-routes';

export function strategiesRoutes(ctx: ApiContext, cors: CorsPolicy): Router {
  const router = Router();
  const { catalog } = ctx;
  ownedCollectionRoutes(router, catalog, cors, {
    path: '/v1/strategies',
    kind: 'strategy',
    listKey: 'strategies',
    input: strategyInput,
    patch: strategyPatch,
    list: (owner, page) => catalog.listStrategies(owner, page),
    create: (owner, input) =>
      catalog.createStrategy(owner, { ...input, document: strategyDocument(input.document) }),
    read: (owner, id) => catalog.strategy(owner, id),
    update: (owner, id, { document, ...patch }) =>
      catalog.updateStrategy(
        owner,
        id,
        document === undefined ? patch : { ...patch, document: strategyDocument(document) },
      ),
    remove: (owner, id) => catalog.deleteStrategy(owner, id),
  });
  return router;
}

/** The document checked strictly; its problems are named `document.<path>`. */
function strategyDocument(raw: unknown): StrategyDocument {
  const parsed = parseStrategyDocument(raw);
  if (parsed.ok) return parsed.value;
  throw httpErrors.invalidFields(
    parsed.problems.map(({ field, message }) => ({
      field: field === '(document)' ? 'document' : `document.${field}`,
      message,
    })),
  );
}
