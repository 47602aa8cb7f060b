/**
 * The one catalog of HTTP errors (STYLE rule 11). Each has a stable code and renders as
 * `{ "error": { "code", "message" } }`; messages say what to change.
 */
import type { ServerResponse } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '@tickwire/observability';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const httpErrors = {
  badRequest: (message: string) => new HttpError(400, 'BAD_REQUEST', message),
  invalidSymbol: (raw: string) =>
    new HttpError(
      400,
      'INVALID_SYMBOL',
      `"${raw.slice(0, 64)}" is not a symbol: use letters and digits, e.g. BTCUSDT`,
    ),
  tooManySymbols: (count: number, max: number) =>
    new HttpError(400, 'TOO_MANY_SYMBOLS', `${count} symbols requested; at most ${max} per request`),
  unknownSymbol: (symbol: string) =>
    new HttpError(
      404,
      'UNKNOWN_SYMBOL',
      `${symbol} is not listed by the cluster's exchanges (or DYNAMIC_SYMBOLS is off); see GET /v1/status`,
    ),
  symbolListUnavailable: (symbol: string) =>
    new HttpError(
      503,
      'SYMBOL_LIST_UNAVAILABLE',
      `cannot tell whether ${symbol} exists: the exchange's symbol list has not loaded yet; retry shortly`,
      { 'Retry-After': '5' },
    ),
  priceUnavailable: (symbol: string) =>
    new HttpError(503, 'PRICE_UNAVAILABLE', `no price for ${symbol} has arrived yet; retry shortly`, {
      'Retry-After': '1',
    }),
  notFound: (path: string) =>
    new HttpError(404, 'NOT_FOUND', `no route for ${path.slice(0, 128)}; see the API in the README`),
  tooManyStreams: (retryAfterSeconds: number) =>
    new HttpError(
      503,
      'TOO_MANY_STREAMS',
      'this pod holds its maximum of SSE streams; retry later or on another pod',
      {
        'Retry-After': String(retryAfterSeconds),
      },
    ),
  shuttingDown: () =>
    new HttpError(503, 'SHUTTING_DOWN', 'this pod is shutting down; retry on another pod', {
      'Retry-After': '1',
    }),
  internal: () => new HttpError(500, 'INTERNAL', 'internal error; the pod logged the details'),
};

/** Writes an error with node's API, so routes served outside express render errors the same way. */
export function sendError(res: ServerResponse, error: HttpError): void {
  const body = JSON.stringify({ error: { code: error.code, message: error.message } });
  res.writeHead(error.status, {
    ...error.headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

/**
 * Maps anything a route threw to the HttpError to answer with; bugs are logged, never leaked.
 * Express's own 4xx (e.g. a malformed path) keep their meaning.
 */
export function toHttpError(error: unknown, logger: Logger, path: string): HttpError {
  if (error instanceof HttpError) return error;
  if (isClientError(error)) return httpErrors.badRequest(`malformed request: ${error.message}`);
  if (error instanceof URIError) return httpErrors.badRequest('malformed percent-encoding in the URL');
  logger.error({ err: error, path }, 'unhandled error in request');
  return httpErrors.internal();
}

export function notFoundHandler(): RequestHandler {
  return (req, _res, next) => next(httpErrors.notFound(req.path));
}

/** Renders HttpErrors; anything else (express's own 4xx, bugs) is mapped and logged, never leaked. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const httpError = toHttpError(error, logger, req.path);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendError(res, httpError);
  };
}

function isClientError(error: unknown): error is { status: number; message: string } {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}
