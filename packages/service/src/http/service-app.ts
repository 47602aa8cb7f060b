/**
 * The express application every service starts from: flat query strings, no `X-Powered-By`,
 * its routers, then a JSON 404 for unknown paths and JSON for every error.
 */
import express, { type Express, type Handler, type Router } from 'express';
import type { Logger } from '@tickwire/observability';
import { errorHandler, notFoundHandler } from '../errors';

export interface ServiceAppOptions {
  /** Middleware that runs before every route (e.g. request metrics). */
  before?: Handler[];
  routers: Router[];
  logger: Logger;
  /** Turns a service's own errors (say, a store's) into the HttpErrors they mean; others pass. */
  mapError?: (error: unknown) => unknown;
}

export function createServiceApp(options: ServiceAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  // Routes take flat parameters only: `a[b]=` stays a plain name, and is refused as unknown.
  app.set('query parser', 'simple');
  for (const middleware of options.before ?? []) app.use(middleware);
  for (const router of options.routers) app.use(router);
  app.use(notFoundHandler());
  app.use(errorHandler(options.logger, options.mapError));
  return app;
}
