/**
 * An error an HTTP service answers with: a status, a stable code and a message that names what
 * to change, rendered as `{ "error": { "code", "message" } }` by every service and every path.
 */
import type { ServerResponse } from 'node:http';
import { TickwireError } from '@tickwire/core';

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** One problem of a request body: the field's path (`when.all.0.period`) and what is wrong. */
export interface FieldProblem {
  field: string;
  message: string;
}

export class HttpError extends TickwireError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
    /** Every field at fault, rendered as `error.fields` so a client can mark each one. */
    readonly fields?: readonly FieldProblem[],
  ) {
    super(code, message);
  }
}

/** The body every error is sent with. */
export function errorBody(error: HttpError): string {
  const fields = error.fields === undefined ? {} : { fields: error.fields };
  return JSON.stringify({ error: { code: error.code, message: error.message, ...fields } });
}

/** Writes an error with node's API, so routes served outside express render errors the same way. */
export function sendError(res: ServerResponse, error: HttpError): void {
  const body = errorBody(error);
  res.writeHead(error.status, {
    ...error.headers,
    'Content-Type': JSON_CONTENT_TYPE,
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}
