/**
 * `POST /v1/stream-tokens`: a short-lived signed token with which the caller opens
 * `GET /v1/stream` on the pods (`?token=` or `Authorization: Bearer`), which verify it themselves;
 * the stream's bytes never pass through the gateway. Any key of scope `read` or above may ask, and
 * callers without a key when `ANONYMOUS_READ` includes `streams`. Answers `{ token, expiresAt }`.
 */
import { Router } from 'express';
import { resourceRoute, type CorsPolicy } from '@tickwire/service';
import { clientAddress, type AccessRule } from '../auth';
import { readStreamTokenRequest, type StreamTokenIssuer } from '../streams';
import type { ApiContext } from './api-context';
import { httpErrors } from './errors';

const STREAM_TOKENS: AccessRule = { scope: 'read', anonymousGroup: 'streams' };

export function streamTokenRoutes(
  ctx: Pick<ApiContext, 'access'> & { tokens: StreamTokenIssuer | undefined },
  cors: CorsPolicy,
): Router {
  const router = Router();
  resourceRoute(router, '/v1/stream-tokens', {
    cors,
    methods: {
      POST: {
        params: [],
        handler: async (req, res) => {
          const caller = await ctx.access.admit(req, res, STREAM_TOKENS);
          if (ctx.tokens === undefined) throw httpErrors.streamTokensDisabled();
          const request = await readStreamTokenRequest(req);
          if (!request.ok) throw httpErrors.invalidFields(request.problems);
          const { token, expiresAt } = ctx.tokens.issue(
            caller,
            clientAddress(req.ip),
            request.symbols,
            Date.now(),
          );
          // A bearer credential: no cache may keep it.
          res
            .status(201)
            .set('Cache-Control', 'no-store')
            .json({ token, expiresAt: new Date(expiresAt).toISOString() });
        },
      },
    },
  });
  return router;
}
