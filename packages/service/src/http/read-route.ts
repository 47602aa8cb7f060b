/**
 * Registers a read-only route on an express router: GET (and HEAD) with the query parameters it
 * declares, OPTIONS and every other method answered by the shared rules (answerOtherMethod).
 */
import type { Request, RequestHandler, Response, Router } from 'express';
import { answerOtherMethod } from './other-methods';
import type { CorsPolicy } from './cors-policy';
import { rejectUnknownParams } from './strict-query';

export interface ReadRouteOptions {
  /** The query parameters the route takes; any other is a 400. */
  params: readonly string[];
  cors: CorsPolicy;
}

export type ReadHandler = (req: Request, res: Response) => void | Promise<void>;

export function readRoute(
  router: Router,
  path: string,
  options: ReadRouteOptions,
  handler: ReadHandler,
): void {
  const serve: RequestHandler = async (req, res) => {
    rejectUnknownParams(req.query, options.params);
    await handler(req, res);
  };
  router
    .route(path)
    .get(serve)
    .all((req, res) => answerOtherMethod(req, res, req.path, options.cors));
}
