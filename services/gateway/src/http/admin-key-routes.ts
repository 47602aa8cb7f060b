/**
 * The key admin API (scope `admin`): `POST /v1/admin/keys` creates a key and answers it once,
 * `GET /v1/admin/keys` lists every key without secrets, `DELETE /v1/admin/keys/:id` revokes one.
 */
import { Router } from 'express';
import { readJsonBody, resourceRoute, type CorsPolicy } from '@tickwire/service';
import { actorOf, ADMIN_ONLY } from '../auth';
import { KEY_ID_PATTERN, parseNewKey } from '../keys';
import type { ApiContext } from './api-context';
import { httpErrors } from './errors';

/** Largest body of a key request (bytes): a name and a few fields. */
const MAX_KEY_BODY_BYTES = 4 * 1024;

export function adminKeyRoutes(
  ctx: Pick<ApiContext, 'access' | 'keys' | 'logger'>,
  cors: CorsPolicy,
): Router {
  const router = Router();
  const log = ctx.logger.child({ component: 'admin' });

  resourceRoute(router, '/v1/admin/keys', {
    cors,
    methods: {
      GET: {
        params: [],
        handler: async (req, res) => {
          await ctx.access.admit(req, res, ADMIN_ONLY);
          res.set('Cache-Control', 'no-store').json({ keys: await ctx.keys.list() });
        },
      },
      POST: {
        params: [],
        handler: async (req, res) => {
          const caller = await ctx.access.admit(req, res, ADMIN_ONLY);
          const now = Date.now();
          const parsed = parseNewKey(await readJsonBody(req, MAX_KEY_BODY_BYTES), now);
          if (!parsed.ok) throw httpErrors.invalidFields(parsed.problems);
          const { key, view } = await ctx.keys.create(parsed.key, now);
          log.info(
            { keyId: view.id, prefix: view.prefix, scope: view.scope, by: actorOf(caller) },
            'api key created',
          );
          // The key is in this body and nowhere else: no cache may keep it.
          res
            .status(201)
            .set('Cache-Control', 'no-store')
            .json({ key, ...view });
        },
      },
    },
  });

  resourceRoute(router, '/v1/admin/keys/:id', {
    cors,
    methods: {
      DELETE: {
        params: [],
        handler: async (req, res) => {
          const caller = await ctx.access.admit(req, res, ADMIN_ONLY);
          const id = req.params.id as string;
          const view = KEY_ID_PATTERN.test(id) ? await ctx.keys.revoke(id) : undefined;
          if (view === undefined) throw httpErrors.keyNotFound(id);
          log.info({ keyId: view.id, prefix: view.prefix, by: actorOf(caller) }, 'api key revoked');
          res.set('Cache-Control', 'no-store').json(view);
        },
      },
    },
  });

  return router;
}
