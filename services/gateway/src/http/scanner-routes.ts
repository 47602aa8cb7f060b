/**
 * The scanner's owner API through the gateway, each route admitted (scope `bot` or higher) and
 * then forwarded to a ready scanner replica with the owner it acts for in `X-Owner-Id`: a `bot`
 * key's own owner, whatever the client sent, so a bot sees and changes only its owner's
 * watchlists, strategies, destinations and signals. An `admin` key has no owner: it names one in
 * `X-Owner-Id`, and alone may create owners. The gateway checks parameter names and reads JSON
 * bodies (size, media type, syntax); the scanner checks their values. `GET /v1/signals/stream`
 * passes through as a stream (no buffering, `Last-Event-ID` forwarded, the upstream request
 * aborted the moment the client leaves).
 */
import { Router, type Request, type Response } from 'express';
import { readJsonBody, resourceRoute, type CorsPolicy, type RouteMethod } from '@tickwire/service';
import { ADMIN_ONLY, type AccessRule, type Caller } from '../auth';
import type { ApiContext } from './api-context';

/** The header the scanner reads the acting owner from (it trusts the gateway to set it). */
export const OWNER_HEADER = 'x-owner-id';
/** The largest body forwarded (bytes): the scanner's own limit. */
const MAX_SCANNER_BODY_BYTES = 64 * 1024;
const PAGE = ['limit', 'offset'] as const;
const SIGNAL_FILTERS = ['strategy', 'symbol'] as const;

const BOT: AccessRule = { scope: 'bot' };

interface ScannerRoute {
  path: string;
  /** Each method with the query parameters it takes. */
  methods: Partial<Record<RouteMethod, readonly string[]>>;
  rule: AccessRule;
  /** Acts for no owner (creating one). */
  ownerless?: boolean;
  stream?: boolean;
}

/** The owner collections: list and create, then read, change and delete one. */
const collection = (path: string): ScannerRoute[] => [
  { path, methods: { GET: PAGE, POST: [] }, rule: BOT },
  { path: `${path}/:id`, methods: { GET: [], PATCH: [], DELETE: [] }, rule: BOT },
];

const SCANNER_ROUTES: readonly ScannerRoute[] = [
  { path: '/v1/owners', methods: { POST: [] }, rule: ADMIN_ONLY, ownerless: true },
  { path: '/v1/owner', methods: { GET: [] }, rule: BOT },
  ...collection('/v1/watchlists'),
  ...collection('/v1/strategies'),
  ...collection('/v1/destinations'),
  { path: '/v1/destinations/:id/dead-letters', methods: { GET: ['limit', 'cursor'] }, rule: BOT },
  { path: '/v1/signals', methods: { GET: [...SIGNAL_FILTERS, 'since', 'limit', 'cursor'] }, rule: BOT },
  {
    path: '/v1/signals/stream',
    methods: { GET: [...SIGNAL_FILTERS, 'lastEventId'] },
    rule: BOT,
    stream: true,
  },
];

export function scannerRoutes(ctx: Pick<ApiContext, 'access' | 'scannerProxy'>, cors: CorsPolicy): Router {
  const router = Router();
  for (const route of SCANNER_ROUTES) {
    const methods = Object.fromEntries(
      Object.entries(route.methods).map(([method, params]) => [
        method,
        {
          params,
          handler: async (req: Request, res: Response) => {
            const caller = await ctx.access.admit(req, res, route.rule);
            const owner = route.ownerless ? undefined : actingOwner(caller, req);
            const body =
              method === 'POST' || method === 'PATCH' || method === 'PUT'
                ? JSON.stringify(await readJsonBody(req, MAX_SCANNER_BODY_BYTES))
                : undefined;
            await ctx.scannerProxy.forward(req, res, req.originalUrl, {
              method: method as RouteMethod,
              ...(owner === undefined ? {} : { headers: { [OWNER_HEADER]: owner } }),
              ...(body === undefined ? {} : { body }),
              ...(route.stream ? { stream: true } : {}),
            });
          },
        },
      ]),
    );
    resourceRoute(router, route.path, { cors, methods });
  }
  return router;
}

/**
 * A bot key's own owner; an admin names the owner it acts for (without one, the scanner answers
 * 401 OWNER_REQUIRED itself).
 */
function actingOwner(caller: Caller, req: Request): string | undefined {
  if (caller.kind === 'key' && caller.ownerId !== undefined) return caller.ownerId;
  const named = req.headers[OWNER_HEADER];
  return typeof named === 'string' ? named : undefined;
}
