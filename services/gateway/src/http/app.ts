/**
 * The gateway's HTTP application: the market-data REST routes, the scanner's owner API, the
 * admin API (keys, cluster, price cache), stream tokens, the operations routes and the dashboard's
 * static files,
 * on the shared service edge (nosniff, CORS, strict queries, JSON errors for
 * every status), with security headers and the client's address read through TRUST_PROXY_HOPS;
 * addresses throttled for failed authentications are refused before express sees them.
 */
import type { RequestListener } from 'node:http';
import { DASHBOARD_DIR, DASHBOARD_PREFIX } from '@tickwire/dashboard';
import {
  CorsPolicy,
  createServiceApp,
  opsRoutes,
  staticSiteRoutes,
  withEdgeHeaders,
} from '@tickwire/service';
import { requestMetrics } from '../metrics';
import { adminClusterRoutes } from './admin-cluster-routes';
import { adminKeyRoutes } from './admin-key-routes';
import type { ApiContext } from './api-context';
import { marketRoutes } from './market-routes';
import { scannerRoutes } from './scanner-routes';
import { streamTokenRoutes } from './stream-token-routes';
import { withSecurityHeaders } from './security-headers';

export function createApp(ctx: ApiContext): RequestListener {
  const cors = new CorsPolicy(ctx.corsOrigins);
  // The dashboard's files are public (no key); its API calls go through the routes above it.
  const dashboard = staticSiteRoutes({ root: DASHBOARD_DIR, prefix: DASHBOARD_PREFIX, cors });
  if (dashboard === undefined) ctx.logger.warn({ dir: DASHBOARD_DIR }, 'dashboard not built; / answers 404');
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
      adminClusterRoutes(ctx, cors),
      ...(dashboard ? [dashboard] : []),
    ],
    logger: ctx.logger,
  });
  // The per-IP limits count the client, not the load balancer in front.
  app.set('trust proxy', ctx.proxyTrust);
  const guarded: RequestListener = (req, res) => {
    if (!ctx.throttleGuard.refused(req, res)) app(req, res);
  };
  return withEdgeHeaders(withSecurityHeaders(guarded, { behindTls: ctx.behindTls }), cors);
}
