/**
 * `POST /v1/owners` creates an owner (the gateway will, for each API key); `GET /v1/owner` is
 * the owner X-Owner-Id names. Every other route acts for that owner only.
 */
import { Router } from 'express';
import { resourceRoute, type CorsPolicy } from '@tickwire/service';
import { ownerInput } from '../store';
import type { ApiContext } from './api-context';
import { readBody, requireOwner } from './request-input';

export function ownersRoutes(ctx: ApiContext, cors: CorsPolicy): Router {
  const router = Router();
  resourceRoute(router, '/v1/owners', {
    cors,
    methods: {
      POST: {
        params: [],
        handler: async (req, res) => {
          const { name } = await readBody(req, ownerInput);
          res.status(201).json(await ctx.catalog.createOwner(name));
        },
      },
    },
  });
  resourceRoute(router, '/v1/owner', {
    cors,
    methods: {
      GET: { params: [], handler: async (req, res) => void res.json(await requireOwner(req, ctx.catalog)) },
    },
  });
  return router;
}
