/**
 * The HTTP application of a market-data pod. The hot paths, `GET /v1/stream` and
 * `GET /v1/prices[/:symbol]`, are served straight from node's request and response: express adds
 * several KB per open stream (request and response decorations, closures) and a router walk per
 * poll, which at 10,000 streams and tens of thousands of polls per second is most of the cost.
 * Everything else (candles, the market list, operations, the dashboard's files, 404s) goes through express. Both paths share the
 * service edge: the same headers, query and method rules, and errors rendered the same way.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { Express } from 'express';
import { DASHBOARD_DIR, DASHBOARD_PREFIX } from '@tickwire/dashboard';
import {
  answerOtherMethod,
  CorsPolicy,
  createServiceApp,
  isReadMethod,
  opsRoutes,
  rejectUnknownParams,
  sendError,
  staticSiteRoutes,
  toHttpError,
  withEdgeHeaders,
} from '@tickwire/service';
import type { ApiContext } from './api-context';
import { candlesRoute } from './candles-route';
import { marketsRoute } from './markets-route';
import { PriceCache } from './price-cache';
import { PRICE_LIST_PARAMS, PRICE_PARAMS, servePrice, servePriceList } from './prices-routes';
import { RouteMeter, requestMetrics } from './request-metrics';
import { statusRoute } from './status-route';
import { STREAM_PARAMS, streamRoute } from './stream-route';

const STREAM_PATH = '/v1/stream';
const PRICES_PATH = '/v1/prices';
const PRICE_PREFIX = '/v1/prices/';
const NO_QUERY: Record<string, unknown> = Object.freeze({});

type HotRoute = { kind: 'stream' } | { kind: 'list' } | { kind: 'price'; rawSymbol: string };

const HOT_ROUTE_PARAMS: Record<HotRoute['kind'], readonly string[]> = {
  stream: STREAM_PARAMS,
  list: PRICE_LIST_PARAMS,
  price: PRICE_PARAMS,
};

/** The hot route of a path, matched like express's defaults: case-insensitive, one trailing slash allowed. */
function matchHotRoute(rawPath: string): HotRoute | undefined {
  const trimmed = rawPath.length > 1 && rawPath.endsWith('/') ? rawPath.slice(0, -1) : rawPath;
  const path = trimmed.toLowerCase();
  if (path === STREAM_PATH) return { kind: 'stream' };
  if (path === PRICES_PATH) return { kind: 'list' };
  if (
    path.startsWith(PRICE_PREFIX) &&
    path.length > PRICE_PREFIX.length &&
    !path.includes('/', PRICE_PREFIX.length)
  )
    return { kind: 'price', rawSymbol: trimmed.slice(PRICE_PREFIX.length) };
  return undefined;
}

export function createApp(ctx: ApiContext): RequestListener {
  const cors = new CorsPolicy(ctx.corsOrigins);
  const app = expressApp(ctx, cors);
  const prices = new PriceCache(ctx.hub, (ticker) => ctx.pod.isStale(ticker));
  const meters = {
    stream: new RouteMeter(ctx.metrics, STREAM_PATH),
    list: new RouteMeter(ctx.metrics, PRICES_PATH),
    price: new RouteMeter(ctx.metrics, '/v1/prices/:symbol'),
  };
  const stream = streamRoute(ctx, prices, meters.stream);

  return withEdgeHeaders((req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    const route = matchHotRoute(path);
    if (route === undefined) {
      void app(req, res);
      return;
    }
    const startedAt = process.hrtime.bigint();
    const meter = meters[route.kind];
    if (!isReadMethod(req.method)) {
      answerOtherMethod(req, res, path, cors);
      meter.record(res.statusCode, startedAt);
      return;
    }
    const fail = (error: unknown) => {
      // The path, not the URL: a stream's query may carry its token.
      const httpError = toHttpError(error, ctx.logger, path);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendError(res, httpError);
      meter.record(httpError.status, startedAt);
    };
    try {
      const query =
        queryAt === -1 ? NO_QUERY : (parseQuery(url.slice(queryAt + 1)) as Record<string, unknown>);
      rejectUnknownParams(query, HOT_ROUTE_PARAMS[route.kind]);
      if (route.kind === 'stream') stream(req, res, query)?.catch(fail);
      else if (route.kind === 'list') meter.record(servePriceList(ctx, prices, req, res, query), startedAt);
      else meter.record(servePrice(ctx, prices, req, res, route.rawSymbol), startedAt);
    } catch (error) {
      fail(error);
    }
  }, cors);
}

function expressApp(ctx: ApiContext, cors: CorsPolicy): Express {
  const { pod } = ctx;
  const readiness = () => (pod.isReady() ? 'ready' : pod.isShuttingDown() ? 'shutting-down' : 'starting');
  const dashboard = staticSiteRoutes({ root: DASHBOARD_DIR, prefix: DASHBOARD_PREFIX, cors });
  if (dashboard === undefined) ctx.logger.warn({ dir: DASHBOARD_DIR }, 'dashboard not built; / answers 404');
  return createServiceApp({
    before: [requestMetrics(ctx.metrics)],
    routers: [
      candlesRoute(ctx, cors),
      marketsRoute(ctx, cors),
      opsRoutes({ readiness, health: () => pod.health(), registry: ctx.registry, cors }),
      statusRoute(pod, cors),
      ...(dashboard ? [dashboard] : []),
    ],
    logger: ctx.logger,
  });
}
