/**
 * The cluster's typed errors: the small negative codes the Lua scripts return, mapped in one
 * place, and the failure to reach Redis at start-up.
 */
import { TickwireError } from '@tickwire/core';

/** Codes returned by the scripts in ./lua (see each file's header). */
export const SCRIPT_ERROR_CODES = {
  notLeader: -1,
} as const;

/** An error of the cluster's Redis engine (`NOT_LEADER`, `SCRIPT_FAILED`). */
export class ClusterError extends TickwireError {}

/** A leader write or renew was refused: this pod no longer holds the lease with its epoch. */
export class NotLeaderError extends ClusterError {
  constructor(
    readonly operation: string,
    readonly value: string,
  ) {
    super('NOT_LEADER', `${operation} refused: ${value} no longer holds the leadership`);
  }
}

/** Start-up could not reach Redis: `target` says where it looked, `reason` what went wrong. */
export class RedisConnectError extends ClusterError {
  constructor(
    readonly target: string,
    readonly reason: string,
  ) {
    super('REDIS_CONNECT_FAILED', `cannot connect to ${target}: ${reason}`);
  }
}

export function isNotLeaderError(error: unknown): error is NotLeaderError {
  return error instanceof NotLeaderError;
}

/** Turns a script's negative code into its typed error; passes every other reply through. */
export function checkScriptReply<T>(reply: T, operation: string, value: string): T {
  if (reply === SCRIPT_ERROR_CODES.notLeader) throw new NotLeaderError(operation, value);
  if (typeof reply === 'number' && reply < 0) {
    throw new ClusterError('SCRIPT_FAILED', `${operation} returned unknown code ${reply}`);
  }
  return reply;
}
