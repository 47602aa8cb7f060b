/**
 * Reads the errors ioredis reports while it looks for the master through Sentinel (see its
 * SentinelConnector), which carry no code: each sentinel's failure arrives as a
 * `sentinelError` and a whole failed round as one `error`. Pinned by the start-up tests, which
 * check the resulting messages against real sentinels.
 */

/** ioredis's `error` once every sentinel of one round failed, before it retries the round. */
const ALL_SENTINELS_FAILED = /^All sentinels are unreachable/;
/** A sentinel answered `SENTINEL GET-MASTER-ADDR-BY-NAME` with nil: it monitors no such master. */
const UNKNOWN_MASTER = /^connected to sentinel (\S+) successfully, but got an invalid reply: null/;
const SENTINEL_FAILED = /^failed to connect to sentinel (\S+) because (.*)$/s;

export function isAllSentinelsFailedError(error: Error): boolean {
  return ALL_SENTINELS_FAILED.test(error.message);
}

/** One sentinel's failure as "sentinel <host:port> ..." naming what went wrong there. */
export function explainSentinelError(message: string, masterName: string): string {
  const unknownMaster = UNKNOWN_MASTER.exec(message);
  if (unknownMaster) {
    return `sentinel ${unknownMaster[1]} does not monitor a master named ${JSON.stringify(masterName)}`;
  }
  const failed = SENTINEL_FAILED.exec(message);
  if (failed) return `sentinel ${failed[1]}: ${failed[2]}`;
  return message;
}
