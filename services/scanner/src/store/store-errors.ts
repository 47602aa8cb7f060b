/**
 * The store's typed errors, with stable codes: what a request asked that the data does not
 * allow (a limit, a record in use, another owner's record), and the Lua scripts' negative codes
 * mapped in one place.
 */
import { TickwireError } from '@tickwire/core';
import { NotLeaderError } from '@tickwire/cluster';

export type StoreErrorCode =
  'NOT_FOUND' | 'LIMIT_REACHED' | 'IN_USE' | 'INVALID_REFERENCE' | 'CONFLICT' | 'SCRIPT_FAILED';

export class StoreError extends TickwireError<StoreErrorCode> {
  constructor(
    code: StoreErrorCode,
    message: string,
    /** The request field the error is about, when there is one (`watchlistId`). */
    readonly field?: string,
  ) {
    super(code, message);
  }
}

/** Codes returned by the scripts in ./lua (see each file's header). */
export const SCRIPT_CODES = { notLeader: -1, conflict: -2 } as const;

/** Turns a script's negative code into its typed error; passes every other reply through. */
export function checkReply<T>(reply: T, operation: string, fenceValue = ''): T {
  if (reply === SCRIPT_CODES.notLeader) throw new NotLeaderError(operation, fenceValue);
  if (reply === SCRIPT_CODES.conflict)
    throw new StoreError('CONFLICT', `${operation}: the catalog changed meanwhile; retry`);
  if (typeof reply === 'number' && reply < 0)
    throw new StoreError('SCRIPT_FAILED', `${operation} returned unknown code ${reply}`);
  return reply;
}
