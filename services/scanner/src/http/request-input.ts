/**
 * What every scanner route reads from a request, checked: the owner it acts for, a JSON body
 * through a strict schema (every problem named by its field), an id in the path, and paging.
 */
import type { Request } from 'express';
import type { z } from 'zod';
import { readJsonBody, type FieldProblem } from '@tickwire/service';
import { toProblem } from '../strategy';
import { recordId, type CatalogStore, type Owner } from '../store';
import { httpErrors, OWNER_HEADER } from './api-errors';

/** Page size when `limit` is not given, and the most one page holds. */
export const DEFAULT_PAGE_LIMIT = 20;
export const MAX_PAGE_LIMIT = 100;
/** The largest body a route takes (bytes): a strategy document with every condition allowed fits. */
export const MAX_BODY_BYTES = 64 * 1024;

/** The owner named by X-Owner-Id, which must exist. */
export async function requireOwner(req: Request, catalog: CatalogStore): Promise<Owner> {
  const header = req.headers[OWNER_HEADER];
  if (typeof header !== 'string' || !recordId.safeParse(header).success) throw httpErrors.ownerRequired();
  const owner = await catalog.owner(header);
  if (!owner) throw httpErrors.unknownOwner();
  return owner;
}

/** The body parsed by `schema`; a 400 naming every field at fault otherwise. */
export async function readBody<Schema extends z.ZodType>(
  req: Request,
  schema: Schema,
): Promise<z.output<Schema>> {
  const parsed = schema.safeParse(await readJsonBody(req, MAX_BODY_BYTES));
  if (!parsed.success) throw httpErrors.invalidFields(parsed.error.issues.flatMap(bodyProblems));
  return parsed.data;
}

/** Zod's issues as field problems; an unknown field is named itself, one problem each. */
export function bodyProblems(issue: z.core.$ZodIssue): FieldProblem[] {
  if (issue.code === 'unrecognized_keys')
    return issue.keys.map((key) => ({
      field: [...issue.path.map(String), key].join('.'),
      message: 'is not a field of this request; remove it',
    }));
  const problem = toProblem(issue);
  return [problem.field === '(document)' ? { ...problem, field: '(body)' } : problem];
}

/** The `:id` of the path; an id that cannot exist is as missing as one that does not. */
export function pathId(req: Request, kind: string): string {
  const id = req.params.id;
  if (typeof id !== 'string' || !recordId.safeParse(id).success)
    throw httpErrors.recordNotFound(`no ${kind} ${String(id).slice(0, 64)}`);
  return id;
}

/** `limit` (1..100) and `offset` from the query. */
export function readPage(query: Record<string, unknown>): { offset: number; limit: number } {
  return {
    limit: wholeNumber(query, 'limit', 1, MAX_PAGE_LIMIT) ?? DEFAULT_PAGE_LIMIT,
    offset: wholeNumber(query, 'offset', 0, Number.MAX_SAFE_INTEGER) ?? 0,
  };
}

export function wholeNumber(
  query: Record<string, unknown>,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const raw = query[name];
  if (raw === undefined) return undefined;
  const value = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= min && value <= max))
    throw httpErrors.badRequest(`${name} must be a whole number from ${min} to ${max}`);
  return value;
}

/** An optional query parameter given once, not empty. */
export function textParam(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '')
    throw httpErrors.badRequest(`${name} must be given once, not empty`);
  return value;
}

/** A Redis stream entry id (`<ms>-<seq>`) given back as a cursor. */
const STREAM_ID_RE = /^\d{1,16}-\d{1,16}$/;

/** A cursor from a previous answer's `nextCursor` (a stream entry id), if given. */
export function streamCursor(query: Record<string, unknown>, name: string): string | undefined {
  const cursor = textParam(query, name);
  if (cursor !== undefined && !STREAM_ID_RE.test(cursor))
    throw httpErrors.badRequest(`${name} must be the nextCursor of a previous answer`);
  return cursor;
}

export const PAGE_PARAMS = ['limit', 'offset'] as const;
