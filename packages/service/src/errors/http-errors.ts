/**
 * The HTTP errors every service can answer with, each with its stable code. A service's own
 * catalog spreads this one and adds its domain errors, so one code always means one thing.
 */
import { HttpError, type FieldProblem } from './http-error';

/** Paths and names echoed in messages are cut to this length: a message is not a mirror. */
const MAX_ECHO_LENGTH = 128;

function echo(text: string): string {
  return text.length > MAX_ECHO_LENGTH ? `${text.slice(0, MAX_ECHO_LENGTH)}...` : text;
}

/** Problems named in an INVALID_FIELD message; `fields` carries them all. */
const MAX_PROBLEMS_IN_MESSAGE = 5;

function describeProblems(problems: readonly FieldProblem[]): string {
  const shown = problems.slice(0, MAX_PROBLEMS_IN_MESSAGE).map((p) => `${p.field}: ${p.message}`);
  const more = problems.length - shown.length;
  return `${shown.join('; ')}${more > 0 ? `; and ${more} more (see fields)` : ''}`;
}

function list(names: readonly string[]): string {
  return names.length === 0 ? 'no query parameters' : names.join(', ');
}

export const commonHttpErrors = {
  badRequest: (message: string) => new HttpError(400, 'BAD_REQUEST', message),
  unknownParameter: (name: string, allowed: readonly string[]) =>
    new HttpError(
      400,
      'UNKNOWN_PARAMETER',
      `unknown query parameter "${echo(name)}": this route takes ${list(allowed)}`,
    ),
  invalidFields: (problems: readonly FieldProblem[]) =>
    new HttpError(400, 'INVALID_FIELD', describeProblems(problems), {}, problems),
  invalidJson: (detail: string) =>
    new HttpError(400, 'INVALID_JSON', `the body is not JSON (${echo(detail)}); send one JSON object`),
  unsupportedMediaType: (contentType: string | undefined) =>
    new HttpError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      `the body is ${contentType === undefined ? 'untyped' : `"${echo(contentType)}"`}; send it as application/json`,
    ),
  bodyTooLarge: (limitBytes: number) =>
    new HttpError(413, 'PAYLOAD_TOO_LARGE', `the request body exceeds ${limitBytes} bytes; send less`),
  notFound: (path: string) =>
    new HttpError(404, 'NOT_FOUND', `no route for ${echo(path)}; see the API in the README`),
  methodNotAllowed: (method: string, path: string, allow: readonly string[]) =>
    new HttpError(
      405,
      'METHOD_NOT_ALLOWED',
      `${echo(method)} is not served on ${echo(path)}; use ${allow.join(' or ')}`,
      { Allow: allow.join(', ') },
    ),
  requestTimeout: () =>
    new HttpError(408, 'REQUEST_TIMEOUT', 'the request head did not arrive in time; send it at once'),
  payloadTooLarge: (limitBytes: number) =>
    new HttpError(
      413,
      'PAYLOAD_TOO_LARGE',
      `the request body's chunk extensions exceed ${limitBytes} bytes; send the body without them`,
    ),
  headersTooLarge: (limitBytes: number) =>
    new HttpError(
      431,
      'HEADERS_TOO_LARGE',
      `the request headers exceed ${limitBytes} bytes; send fewer or shorter headers (cookies, tokens)`,
    ),
  malformedRequest: (detail: string) =>
    new HttpError(400, 'BAD_REQUEST', `malformed request: ${echo(detail)}`),
  tooManyStreams: (retryAfterSeconds: number) =>
    new HttpError(
      503,
      'TOO_MANY_STREAMS',
      'this instance holds its maximum of SSE streams; retry later or on another instance',
      { 'Retry-After': String(retryAfterSeconds) },
    ),
  shuttingDown: () =>
    new HttpError(503, 'SHUTTING_DOWN', 'this instance is shutting down; retry on another one', {
      'Retry-After': '1',
    }),
  internal: () => new HttpError(500, 'INTERNAL', 'internal error; the service logged the details'),
};
