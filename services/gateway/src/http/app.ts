/**
 * The gateway's HTTP application: the market-data REST routes, stream tokens, the scanner's owner
 * API for bot keys, the key admin API and the
 * operations routes, on the shared service edge (nosniff, CORS, strict queries, JSON errors for
 * every status), with security headers and the client's address read through TRUST_PROXY_HOPS.
 */
import type { RequestListener } from 'node:http';
import { CorsPolicy, createServiceApp, opsRoutes, withEdgeHeaders } from '@tickwire/service';
import { requestMetrics } from '../metrics';
import { adminKeyRoutes } from './admin-key-routes';
import type { ApiContext } from './api-context';
import { marketRoutes } from './market-routes';
import { scannerRoutes } from './scanner-routes';
import { streamTokenRoutes } from './stream-token-routes';
import { withSecurityHeaders } from './security-headers';

export function createApp(ctx: ApiContext): RequestListener {
  const cors = new CorsPolicy(ctx.corsOrigins);
  const app = createServiceApp({
    before: [requestMetrics(ctx.metrics)],
    routers: [
      opsRoutes({
        readiness: () => ctx.readiness(),
        health: () => ctx.health(),
        registry: ctx.registry,
        cors,
      }),
      marketRoutes(ctx, cors),
      streamTokenRoutes(ctx, cors),
      scannerRoutes(ctx, cors),
      adminKeyRoutes(ctx, cors),
    ],
    logger: ctx.logger,
  });
  // The per-IP limits count the client, not the load balancer in front.
  app.set('trust proxy', ctx.trustProxyHops === 0 ? false : ctx.trustProxyHops);
  return withEdgeHeaders(withSecurityHeaders(app, { behindTls: ctx.behindTls }), cors);
}
