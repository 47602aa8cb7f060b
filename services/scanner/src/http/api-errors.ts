/**
 * The scanner's catalog of HTTP errors: the ones every service shares, and the scanner's own.
 * Each has a stable code and renders as `{ "error": { "code", "message" } }` (with `fields` when
 * fields are at fault); messages say what to change.
 */
import { commonHttpErrors, HttpError } from '@tickwire/service';
import { StoreError } from '../store';

export const OWNER_HEADER = 'x-owner-id';

export const httpErrors = {
  ...commonHttpErrors,
  ownerRequired: () =>
    new HttpError(
      401,
      'OWNER_REQUIRED',
      'send the owner id in the X-Owner-Id header (an id from POST /v1/owners)',
    ),
  unknownOwner: () =>
    new HttpError(403, 'UNKNOWN_OWNER', 'X-Owner-Id names no owner; create one with POST /v1/owners'),
  recordNotFound: (message: string) => new HttpError(404, 'NOT_FOUND', message),
  limitReached: (message: string) => new HttpError(409, 'LIMIT_REACHED', message),
  inUse: (message: string) => new HttpError(409, 'IN_USE', message),
  conflict: (message: string) => new HttpError(409, 'CONFLICT', message, { 'Retry-After': '1' }),
  invalidLastEventId: (message: string) => new HttpError(400, 'INVALID_LAST_EVENT_ID', message),
};

/** The answer to a store error; anything else is not the request's fault. */
export function fromStoreError(error: unknown): unknown {
  if (!(error instanceof StoreError)) return error;
  switch (error.code) {
    case 'NOT_FOUND':
      return httpErrors.recordNotFound(error.message);
    case 'LIMIT_REACHED':
      return httpErrors.limitReached(error.message);
    case 'IN_USE':
      return httpErrors.inUse(error.message);
    case 'CONFLICT':
      return httpErrors.conflict(error.message);
    case 'INVALID_REFERENCE':
      return httpErrors.invalidFields([{ field: error.field ?? '(body)', message: error.message }]);
    case 'SCRIPT_FAILED':
      return error;
  }
}
