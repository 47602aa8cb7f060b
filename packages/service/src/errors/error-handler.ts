/** Turns whatever a route threw into the HttpError to answer with; bugs are logged, never leaked. */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '@tickwire/observability';
import { HttpError, sendError } from './http-error';
import { commonHttpErrors } from './http-errors';

/** Express's own 4xx (e.g. a malformed path) keep their meaning; anything else is a 500. */
export function toHttpError(error: unknown, logger: Logger, path: string): HttpError {
  if (error instanceof HttpError) return error;
  if (isClientError(error)) return commonHttpErrors.malformedRequest(error.message);
  if (error instanceof URIError) return commonHttpErrors.badRequest('malformed percent-encoding in the URL');
  logger.error({ err: error, path }, 'unhandled error in request');
  return commonHttpErrors.internal();
}

/** Answers a request no route took. */
export function notFoundHandler(): RequestHandler {
  return (req, _res, next) => next(commonHttpErrors.notFound(req.path));
}

/** Renders every error as JSON (after `mapError`); a response already under way is cut instead. */
export function errorHandler(
  logger: Logger,
  mapError: (error: unknown) => unknown = (error) => error,
): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const httpError = toHttpError(mapError(error), logger, req.path);
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
