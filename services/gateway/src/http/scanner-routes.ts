/**
 * The scanner's owner API through the gateway, for `bot` keys: `/v1/watchlists`,
 * `/v1/strategies`, `/v1/destinations` (with their `/:id` and a destination's dead letters) and
 * `/v1/signals`, and `/v1/owner` (the key's owner), answered by a ready scanner replica with `X-Owner-Id` set from the key's owner.
 * A key sees its owner's records only: whatever `X-Owner-Id` a client sends is dropped. The
 * gateway checks parameter names and reads JSON bodies (the scanner's limit, 64 KB); the scanner
 * checks the rest.
 */
import { Router } from 'express';
import {
  readJsonBody,
  resourceRoute,
  type CorsPolicy,
  type MethodRoute,
  type RouteMethod,
} from '@tickwire/service';
import type { AccessRule } from '../auth';
import type { PodProxy } from '../routing';
import type { ApiContext } from './api-context';
import { httpErrors } from './errors';

const BOT: AccessRule = { scope: 'bot' };
/** The scanner's own body limit (bytes): a strategy document with every condition allowed fits. */
const MAX_SCANNER_BODY_BYTES = 64 * 1024;
/** The header the scanner reads its owner from. */
const OWNER_HEADER = 'x-owner-id';
const PAGE = ['limit', 'offset'];

/** Each path, its methods and the query parameters of each (as the scanner declares them). */
const SCANNER_ROUTES: readonly { path: string; methods: Partial<Record<RouteMethod, readonly string[]>> }[] =
  [
    ...['watchlists', 'strategies', 'destinations'].flatMap((collection) => [
      { path: `/v1/${collection}`, methods: { GET: PAGE, POST: [] } },
      { path: `/v1/${collection}/:id`, methods: { GET: [], PATCH: [], DELETE: [] } },
    ]),
    { path: '/v1/destinations/:id/dead-letters', methods: { GET: ['limit', 'cursor'] } },
    { path: '/v1/signals', methods: { GET: ['strategy', 'symbol', 'since', 'limit', 'cursor'] } },
    { path: '/v1/owner', methods: { GET: [] } },
  ];

export function scannerRoutes(
  ctx: Pick<ApiContext, 'access'> & { scanner: PodProxy | undefined },
  cors: CorsPolicy,
): Router {
  const router = Router();
  for (const route of SCANNER_ROUTES) {
    const methods = Object.fromEntries(
      Object.entries(route.methods).map(([method, params]): [string, MethodRoute] => [
        method,
        {
          params,
          handler: async (req, res) => {
            const caller = await ctx.access.admit(req, res, BOT);
            if (caller.kind !== 'key' || caller.ownerId === undefined) throw httpErrors.noScannerOwner();
            if (ctx.scanner === undefined) throw httpErrors.scannerNotConfigured();
            const body =
              method === 'POST' || method === 'PATCH'
                ? JSON.stringify(await readJsonBody(req, MAX_SCANNER_BODY_BYTES))
                : undefined;
            await ctx.scanner.forward(req, res, req.originalUrl, {
              headers: { [OWNER_HEADER]: caller.ownerId },
              ...(body !== undefined && { body }),
            });
          },
        },
      ]),
    );
    resourceRoute(router, route.path, { cors, methods });
  }
  return router;
}
