/** `/v1/strategies[/:id]`: an owner's strategies, each over one watchlist, sent to some destinations. */
import { Router } from 'express';
import { resourceRoute, type CorsPolicy } from '@tickwire/service';
import { parseStrategyDocument, type StrategyDocument } from '../strategy';
import { strategyInput, strategyPatch } from '../store';
import type { ApiContext } from './api-context';
import { httpErrors } from './api-errors';
import { PAGE_PARAMS, pathId, readBody, readPage, requireOwner } from './request-input';

export function strategiesRoutes(ctx: ApiContext, cors: CorsPolicy): Router {
  const router = Router();
  const { catalog } = ctx;
  resourceRoute(router, '/v1/strategies', {
    cors,
    methods: {
      GET: {
        params: PAGE_PARAMS,
        handler: async (req, res) => {
          const owner = await requireOwner(req, catalog);
          const page = await catalog.listStrategies(owner.id, readPage(req.query));
          res.json({ strategies: page.items, total: page.total });
        },
      },
      POST: {
        params: [],
        handler: async (req, res) => {
          const owner = await requireOwner(req, catalog);
          const input = await readBody(req, strategyInput);
          const document = strategyDocument(input.document);
          res.status(201).json(await catalog.createStrategy(owner.id, { ...input, document }));
        },
      },
    },
  });
  resourceRoute(router, '/v1/strategies/:id', {
    cors,
    methods: {
      GET: {
        params: [],
        handler: async (req, res) => {
          const owner = await requireOwner(req, catalog);
          res.json(await catalog.strategy(owner.id, pathId(req, 'strategy')));
        },
      },
      PATCH: {
        params: [],
        handler: async (req, res) => {
          const owner = await requireOwner(req, catalog);
          const id = pathId(req, 'strategy');
          const { document, ...patch } = await readBody(req, strategyPatch);
          const change = document === undefined ? patch : { ...patch, document: strategyDocument(document) };
          res.json(await catalog.updateStrategy(owner.id, id, change));
        },
      },
      DELETE: {
        params: [],
        handler: async (req, res) => {
          const owner = await requireOwner(req, catalog);
          await catalog.deleteStrategy(owner.id, pathId(req, 'strategy'));
          res.status(204).end();
        },
      },
    },
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
