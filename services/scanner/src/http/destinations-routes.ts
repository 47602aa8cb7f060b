/**
 * `/v1/destinations[/:id]`: an owner's Discord webhooks. The URL is a secret: it is taken, never
 * given back; answers show it redacted (host and webhook id).
 */
import { Router } from 'express';
import { resourceRoute, type CorsPolicy } from '@tickwire/service';
import {
  destinationInput,
  destinationPatch,
  redactWebhookUrl,
  type Destination,
  type PublicDestination,
} from '../store';
import type { ApiContext } from './api-context';
import { PAGE_PARAMS, pathId, readBody, readPage, requireOwner } from './request-input';

export function publicDestination(destination: Destination): PublicDestination {
  return { ...destination, url: redactWebhookUrl(destination.url) };
}

export function destinationsRoutes(ctx: ApiContext, cors: CorsPolicy): Router {
  const router = Router();
  const { catalog } = ctx;
  resourceRoute(router, '/v1/destinations', {
    cors,
    methods: {
      GET: {
        params: PAGE_PARAMS,
        handler: async (req, res) => {
          const owner = await requireOwner(req, catalog);
          const page = await catalog.listDestinations(owner.id, readPage(req.query));
          res.json({ destinations: page.items.map(publicDestination), total: page.total });
        },
      },
      POST: {
        params: [],
        handler: async (req, res) => {
          const owner = await requireOwner(req, catalog);
          const input = await readBody(req, destinationInput);
          res.status(201).json(publicDestination(await catalog.createDestination(owner.id, input)));
        },
      },
    },
  });
  resourceRoute(router, '/v1/destinations/:id', {
    cors,
    methods: {
      GET: {
        params: [],
        handler: async (req, res) => {
          const owner = await requireOwner(req, catalog);
          res.json(publicDestination(await catalog.destination(owner.id, pathId(req, 'destination'))));
        },
      },
      PATCH: {
        params: [],
        handler: async (req, res) => {
          const owner = await requireOwner(req, catalog);
          const id = pathId(req, 'destination');
          const patch = await readBody(req, destinationPatch);
          res.json(publicDestination(await catalog.updateDestination(owner.id, id, patch)));
        },
      },
      DELETE: {
        params: [],
        handler: async (req, res) => {
          const owner = await requireOwner(req, catalog);
          await catalog.deleteDestination(owner.id, pathId(req, 'destination'));
          res.status(204).end();
        },
      },
    },
  });
  return router;
}
