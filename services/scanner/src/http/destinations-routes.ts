/**
 * `/v1/destinations[/:id]`: an owner's Discord webhooks. The URL is a secret: it is taken, never
 * given back; answers show it redacted (host and webhook id), with the destination's delivery
 * state (see destination-view.ts).
 */
import { Router } from 'express';
import { resourceRoute, type CorsPolicy } from '@tickwire/service';
import { destinationInput, destinationPatch, type Destination } from '../store';
import type { ApiContext } from './api-context';
import { destinationView, type DestinationView } from './destination-view';
import { PAGE_PARAMS, pathId, readBody, readPage, requireOwner } from './request-input';

export function destinationsRoutes(ctx: ApiContext, cors: CorsPolicy): Router {
  const router = Router();
  const { catalog } = ctx;
  /** Every destination of an answer with its delivery state, read in one round trip. */
  const views = async (destinations: readonly Destination[]): Promise<DestinationView[]> => {
    const states = await ctx.delivery.states(destinations.map((destination) => destination.id));
    return destinations.map((destination, i) => destinationView(destination, states[i]!));
  };
  const view = async (destination: Destination) => (await views([destination]))[0]!;
  resourceRoute(router, '/v1/destinations', {
    cors,
    methods: {
      GET: {
        params: PAGE_PARAMS,
        handler: async (req, res) => {
          const owner = await requireOwner(req, catalog);
          const page = await catalog.listDestinations(owner.id, readPage(req.query));
          res.json({ destinations: await views(page.items), total: page.total });
        },
      },
      POST: {
        params: [],
        handler: async (req, res) => {
          const owner = await requireOwner(req, catalog);
          const input = await readBody(req, destinationInput);
          res.status(201).json(await view(await catalog.createDestination(owner.id, input)));
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
          res.json(await view(await catalog.destination(owner.id, pathId(req, 'destination'))));
        },
      },
      PATCH: {
        params: [],
        handler: async (req, res) => {
          const owner = await requireOwner(req, catalog);
          const id = pathId(req, 'destination');
          const patch = await readBody(req, destinationPatch);
          res.json(await view(await catalog.updateDestination(owner.id, id, patch)));
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
