/**
 * Reads the errors ioredis reports while it looks for the master through Sentinel (its
 * SentinelConnector), which carry no code: each sentinel's failure arrives as a `sentinelError`
 * and a whole failed round as one `error`. Pinned by the start-up tests against real sentinels.
 */

/** ioredis's `error` once every sentinel of one round failed, before it retries the round. */
const ALL_SENTINELS_FAILED = /^All sentinels are unreachable/;
/** One sentinel's failure; a sentinel that monitors no such master says "ERR No such master". */
const SENTINEL_FAILED = /^failed to connect to sentinel (\S+) because (.*)$/s;

export function isAllSentinelsFailedError(error: Error): boolean {
  return ALL_SENTINELS_FAILED.test(error.message);
}

/** One sentinel's failure as "sentinel <host:port>: <its error>". */
export function explainSentinelError(message: string): string {
  const failed = SENTINEL_FAILED.exec(message);
  return failed ? `sentinel ${failed[1]}: ${failed[2]}` : message;
}
