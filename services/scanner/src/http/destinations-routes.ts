/**
 * `/v1/destinations[/:id]`: an owner's Discord webhooks. The URL is a secret: it is taken, never
 * given back; answers show it redacted (host and webhook id), with the destination's delivery
 * state (see destination-view.ts).
 */
import { Router } from 'express';
import type { CorsPolicy } from '@tickwire/service';
import { destinationInput, destinationPatch, type Destination } from '../store';
import type { ApiContext } from './api-context';
import { destinationView } from './destination-view';
import { ownedCollectionRoutes } from './owned-collection-routes';

export function destinationsRoutes(ctx: ApiContext, cors: CorsPolicy): Router {
  const router = Router();
  const { catalog } = ctx;
  ownedCollectionRoutes(router, catalog, cors, {
    path: '/v1/destinations',
    kind: 'destination',
    listKey: 'destinations',
    input: destinationInput,
    patch: destinationPatch,
    list: (owner, page) => catalog.listDestinations(owner, page),
    create: (owner, input) => catalog.createDestination(owner, input),
    read: (owner, id) => catalog.destination(owner, id),
    update: (owner, id, patch) => catalog.updateDestination(owner, id, patch),
    remove: (owner, id) => catalog.deleteDestination(owner, id),
    // Every destination of an answer with its delivery state, read in one round trip.
    view: async (destinations: readonly Destination[]) => {
      const states = await ctx.delivery.states(destinations.map((destination) => destination.id));
      return destinations.map((destination, i) => destinationView(destination, states[i]!));
    },
  });
  return router;
}
