/**
 * Registers a route that serves several methods on an express router (a collection with GET
 * and POST, an item with GET, PATCH and DELETE), each with the query parameters it declares;
 * OPTIONS and every other method are answered by the shared rules (answerOtherMethod).
 */
import type { Request, RequestHandler, Response, Router } from 'express';
import type { CorsPolicy } from './cors-policy';
import { answerOtherMethod } from './other-methods';
import { rejectUnknownParams } from './strict-query';

export type RouteHandler = (req: Request, res: Response) => void | Promise<void>;

export const ROUTE_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type RouteMethod = (typeof ROUTE_METHODS)[number];

export interface MethodRoute {
  /** The query parameters this method takes; any other is a 400. */
  params: readonly string[];
  handler: RouteHandler;
}

export interface ResourceRouteOptions {
  cors: CorsPolicy;
  methods: Partial<Record<RouteMethod, MethodRoute>>;
}

export function resourceRoute(router: Router, path: string, options: ResourceRouteOptions): void {
  const route = router.route(path);
  const register: Record<RouteMethod, (handler: RequestHandler) => unknown> = {
    GET: (handler) => route.get(handler),
    POST: (handler) => route.post(handler),
    PUT: (handler) => route.put(handler),
    PATCH: (handler) => route.patch(handler),
    DELETE: (handler) => route.delete(handler),
  };
  const allow: string[] = [];
  for (const method of ROUTE_METHODS) {
    const served = options.methods[method];
    if (!served) continue;
    const serve: RequestHandler = async (req, res) => {
      rejectUnknownParams(req.query, served.params);
      await served.handler(req, res);
    };
    register[method](serve);
    allow.push(method);
    if (method === 'GET') allow.push('HEAD');
  }
  allow.push('OPTIONS');
  route.all((req, res) => answerOtherMethod(req, res, req.path, options.cors, allow));
}
