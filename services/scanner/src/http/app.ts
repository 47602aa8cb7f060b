/**
 * The scanner's HTTP application: the owner API (`/v1/owners`, `/v1/watchlists`,
 * `/v1/strategies`, `/v1/destinations` and their dead letters, `/v1/signals`,
 * `/v1/signals/stream`) and the operations routes, on the shared service edge (headers, CORS,
 * strict queries, JSON errors). Not to be exposed publicly: it trusts X-Owner-Id, which the
 * gateway sets from the caller's API key.
 */
import type { RequestListener } from 'node:http';
import { CorsPolicy, createServiceApp, opsRoutes, withEdgeHeaders } from '@tickwire/service';
import type { ApiContext } from './api-context';
import { fromStoreError } from './api-errors';
import { deadLettersRoute } from './dead-letters-route';
import { destinationsRoutes } from './destinations-routes';
import { ownersRoutes } from './owners-routes';
import { signalStreamRoute } from './signal-stream-route';
import { signalsRoute } from './signals-route';
import { strategiesRoutes } from './strategies-routes';
import { watchlistsRoutes } from './watchlists-routes';

export function createApp(ctx: ApiContext): RequestListener {
  const cors = new CorsPolicy(ctx.corsOrigins);
  const app = createServiceApp({
    routers: [
      opsRoutes({
        readiness: () => ctx.readiness(),
        health: () => ctx.health(),
        registry: ctx.registry,
        cors,
      }),
      ownersRoutes(ctx, cors),
      watchlistsRoutes(ctx, cors),
      strategiesRoutes(ctx, cors),
      destinationsRoutes(ctx, cors),
      deadLettersRoute(ctx, cors),
      signalsRoute(ctx, cors),
      signalStreamRoute(ctx, cors),
    ],
    logger: ctx.logger,
    mapError: fromStoreError,
  });
  return withEdgeHeaders(app, cors);
}
