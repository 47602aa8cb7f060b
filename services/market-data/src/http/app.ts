/** The express application of a market-data pod: routes, metrics middleware, JSON errors. */
import express, { type Express, type RequestHandler } from 'express';
import type { ApiContext } from './api-context';
import { errorHandler, notFoundHandler } from './errors';
import { opsRoutes } from './ops-routes';
import { pricesRoutes } from './prices-routes';
import { streamRoute } from './stream-route';

export function createApp(ctx: ApiContext): Express {
  const app = express();
  app.disable('x-powered-by');
  // Only GET routes exist; query strings stay flat (`a[b]=` is not turned into objects).
  app.set('query parser', 'simple');
  app.use(requestMetrics(ctx));
  app.get('/v1/stream', streamRoute(ctx));
  app.use(pricesRoutes(ctx));
  app.use(opsRoutes(ctx));
  app.use(notFoundHandler());
  app.use(errorHandler(ctx.logger));
  return app;
}

/** Counts every request by route and status; SSE streams are timed until their headers. */
function requestMetrics(ctx: ApiContext): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    const observe = () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      ctx.metrics.httpDuration.observe({ route }, Number(process.hrtime.bigint() - start) / 1e9);
    };
    res.once('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      ctx.metrics.httpRequests.inc({ route, status: String(res.statusCode) });
      if (!res.getHeader('content-type')?.toString().startsWith('text/event-stream')) observe();
    });
    res.once('close', () => {
      if (
        res.getHeader('content-type')?.toString().startsWith('text/event-stream') &&
        !res.writableFinished
      ) {
        ctx.metrics.httpRequests.inc({ route: '/v1/stream', status: String(res.statusCode) });
      }
    });
    next();
  };
}
