/**
 * What a new key may be, checked once for the admin API and the CLI alike: a name, a scope, the
 * owner of a `bot` key (and only of one), an optional quota of concurrent streams, and an optional expiry given as a time or a duration.
 */
import { z } from 'zod';
import type { FieldProblem } from '@tickwire/service';
import { parseDuration } from './duration';
import { SCOPES, type Scope } from './scopes';

/** The longest lifetime a key may be given (ms): ten years. */
export const MAX_KEY_LIFETIME_MS = 10 * 365 * 86_400_000;

/** The most streams a key may be allowed to hold open at once. */
export const MAX_STREAMS_PER_KEY_LIMIT = 100_000;

export interface NewKey {
  name: string;
  scope: Scope;
  ownerId?: string;
  maxStreams?: number;
  /** ms since the epoch. */
  expiresAt?: number;
}

const newKeyInput = z.strictObject({
  name: z
    .string('must be a string')
    .trim()
    .min(1, 'must not be empty')
    .max(64, 'must be at most 64 characters')
    .regex(/^[\p{L}\p{N} ._:@/-]*$/u, 'may hold letters, digits, spaces and . _ : @ / - only'),
  scope: z.enum(SCOPES, `must be one of ${SCOPES.join(', ')}`),
  ownerId: z.uuid('must be an owner id from the scanner (POST /v1/owners)').optional(),
  maxStreams: z
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(MAX_STREAMS_PER_KEY_LIMIT, `must be at most ${MAX_STREAMS_PER_KEY_LIMIT}`)
    .optional(),
  expiresAt: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time with a zone' }).optional(),
  expiresIn: z
    .string('must be a string')
    .refine((text) => parseDuration(text) !== undefined, 'must be a duration such as 90m, 12h or 30d')
    .optional(),
});

export type ParsedNewKey = { ok: true; key: NewKey } | { ok: false; problems: FieldProblem[] };

/** Checks a request for a new key; every problem is named by its field. */
export function parseNewKey(input: unknown, now: number): ParsedNewKey {
  const parsed = newKeyInput.safeParse(input);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.flatMap(fieldProblems) };
  const { name, scope, ownerId, maxStreams, expiresAt, expiresIn } = parsed.data;
  const problems: FieldProblem[] = [];
  if (scope === 'bot' && ownerId === undefined)
    problems.push({ field: 'ownerId', message: 'is required for a bot key: the scanner owner it acts for' });
  if (scope !== 'bot' && ownerId !== undefined)
    problems.push({ field: 'ownerId', message: `belongs to bot keys only, not to ${scope} keys` });
  if (expiresAt !== undefined && expiresIn !== undefined)
    problems.push({ field: 'expiresIn', message: 'give expiresAt or expiresIn, not both' });
  const expiry =
    expiresAt !== undefined
      ? Date.parse(expiresAt)
      : expiresIn !== undefined
        ? now + parseDuration(expiresIn)!
        : undefined;
  const expiryField = expiresAt !== undefined ? 'expiresAt' : 'expiresIn';
  if (expiry !== undefined && expiry <= now)
    problems.push({ field: expiryField, message: 'must lie in the future' });
  if (expiry !== undefined && expiry > now + MAX_KEY_LIFETIME_MS)
    problems.push({ field: expiryField, message: 'must lie within ten years' });
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    key: {
      name,
      scope,
      ...(ownerId !== undefined && { ownerId }),
      ...(maxStreams !== undefined && { maxStreams }),
      ...(expiry !== undefined && { expiresAt: expiry }),
    },
  };
}

function fieldProblems(issue: z.core.$ZodIssue): FieldProblem[] {
  if (issue.code === 'unrecognized_keys')
    return issue.keys.map((key) => ({ field: key, message: 'is not a field of this request; remove it' }));
  return [{ field: issue.path.map(String).join('.') || '(body)', message: issue.message }];
}
