/**
 * A benchmark's place on a shared Redis: a fresh namespace per run (every Tickwire key carries
 * the hash tag `{<namespace>}`), deleted at the end, and the server's pid, so that its CPU is
 * counted as part of the measured path rather than as the rest of the machine.
 */
const { randomUUID } = require('node:crypto');

/** Keys deleted per UNLINK while a namespace is removed. */
const SCAN_COUNT = 1_000;

const freshNamespace = (prefix) => `${prefix}${randomUUID().slice(0, 8)}`;

/** Deletes every key of `namespace`; resolves with how many there were. */
async function deleteNamespace(redis, namespace) {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `*{${namespace}}*`, 'COUNT', SCAN_COUNT);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

async function redisPid(redis) {
  const info = await redis.info('server');
  return Number(/process_id:(\d+)/.exec(info)?.[1]);
}

module.exports = { freshNamespace, deleteNamespace, redisPid };
