/**
 * Registers a read-only route on an express router: GET (and HEAD) with the query parameters it
 * declares, OPTIONS and every other method answered by the shared rules (answerOtherMethod).
 */
import type { Router } from 'express';
import type { CorsPolicy } from './cors-policy';
import { resourceRoute, type RouteHandler } from './resource-route';

export interface ReadRouteOptions {
  /** The query parameters the route takes; any other is a 400. */
  params: readonly string[];
  cors: CorsPolicy;
}

export type ReadHandler = RouteHandler;

export function readRoute(
  router: Router,
  path: string,
  options: ReadRouteOptions,
  handler: ReadHandler,
): void {
  resourceRoute(router, path, { cors: options.cors, methods: { GET: { params: options.params, handler } } });
}
