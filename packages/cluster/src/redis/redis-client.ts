/**
 * The one place that creates Redis connections: a standalone URL, a Sentinel group or a Redis
 * Cluster, with the same failure behaviour for all three. Commands fail fast while disconnected
 * instead of queueing, because the election must notice an outage on its own clock, and
 * reconnects are retried quickly so the cluster recovers by itself. The first connection is
 * different: see `connectRedis`.
 */
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { RedisConnectError } from './errors';
import { explainSentinelError, isAllSentinelsFailedError } from './sentinel-errors';

export type RedisClient = Redis | Cluster;

export interface RedisAddress {
  host: string;
  port: number;
}

export type RedisConnectionOptions =
  | { mode: 'standalone'; url: string }
  | { mode: 'sentinel'; sentinels: RedisAddress[]; masterName: string; password?: string }
  | { mode: 'cluster'; nodes: RedisAddress[]; password?: string };

export type ConnectionPurpose = 'commands' | 'stream-reader' | 'subscriber';

export interface RedisClientOptions {
  /** Pod name, shown in CLIENT LIST next to the purpose. */
  instanceId: string;
  purpose: ConnectionPurpose;
  /** A non-blocking command that got no reply within this is failed (ms). */
  commandTimeoutMs: number;
}

export const DEFAULT_COMMAND_TIMEOUT_MS = 2_000;
/** Reconnect delays: 50 ms growing to 1 s, so a restarted Redis is found within a second. */
const RECONNECT_STEP_MS = 50;
const RECONNECT_MAX_MS = 1_000;
/** How long one TCP connect (to a server, a sentinel or a seed) may take (ms). */
const CONNECT_TIMEOUT_MS = 5_000;
/**
 * How long `connectRedis` waits in all before it gives up (ms): one TCP connect to a sentinel or
 * seed plus one to the server it names. Most failures end it much sooner, at their first error.
 */
export const STARTUP_CONNECT_TIMEOUT_MS = 2 * CONNECT_TIMEOUT_MS;
/** Client-side guard for blocking reads on a server that stopped answering (ms, added to BLOCK). */
const BLOCKING_TIMEOUT_MS = 10_000;

const reconnectDelay = (attempt: number) => Math.min(attempt * RECONNECT_STEP_MS, RECONNECT_MAX_MS);

/** What each client points at, for `connectRedis`'s error (ioredis keeps Cluster seeds private). */
const targets = new WeakMap<RedisClient, string>();
/** Clients this process closed on purpose: the only ones that may stay closed. */
const closedOnPurpose = new WeakSet<RedisClient>();

/** Closes a client for good (a later 'end' is not revived); use instead of a bare `disconnect()`. */
export function disconnectRedis(client: RedisClient): void {
  closedOnPurpose.add(client);
  client.disconnect();
}

/**
 * ioredis ends a Sentinel client for good, with no further reconnect, when the connector's
 * connect is cut short: Sentinel's +switch-master (the failover detector) arriving while the
 * client is between a dead master and the promoted one does that (seen: both pods of a cluster
 * stuck "Stream isn't writeable" 10 s after a failover). A client that ends without this
 * process closing it is connected again, so an outage always ends when Redis is back.
 */
function reviveWhenEndedByItself(client: Redis): void {
  client.on('end', () => {
    if (closedOnPurpose.has(client)) return;
    setTimeout(() => {
      if (closedOnPurpose.has(client) || client.status !== 'end') return;
      client.connect().catch(() => undefined); // the next 'end' tries again
    }, RECONNECT_MAX_MS).unref();
  });
}

/** Creates a connection that is not connected yet: call `connectRedis` on it. */
export function createRedisClient(
  connection: RedisConnectionOptions,
  options: RedisClientOptions,
): RedisClient {
  const blocking = options.purpose === 'stream-reader';
  const common: RedisOptions = {
    connectionName: `tickwire:${options.instanceId}:${options.purpose}`,
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    // Blocking reads must not be cut by the command timeout; they get their own guard.
    ...(blocking ? { blockingTimeout: BLOCKING_TIMEOUT_MS } : { commandTimeout: options.commandTimeoutMs }),
  };
  const client = createClient(connection, common, options.commandTimeoutMs);
  targets.set(client, describeTarget(connection));
  if (client instanceof Redis) reviveWhenEndedByItself(client);
  return client;
}

function createClient(
  connection: RedisConnectionOptions,
  common: RedisOptions,
  commandTimeoutMs: number,
): RedisClient {
  switch (connection.mode) {
    case 'standalone':
      return new Redis(connection.url, {
        ...common,
        enableOfflineQueue: false,
        retryStrategy: reconnectDelay,
      });
    case 'sentinel':
      return new Redis({
        ...common,
        sentinels: connection.sentinels,
        name: connection.masterName,
        ...(connection.password === undefined ? {} : { password: connection.password }),
        enableOfflineQueue: false,
        retryStrategy: reconnectDelay,
        sentinelRetryStrategy: reconnectDelay,
        // Without it a sentinel that accepts the connection but never answers holds the lookup
        // of the master, and with it every reconnect, forever.
        sentinelCommandTimeout: commandTimeoutMs,
        // Reconnect at Sentinel's +switch-master: a master handed over alive keeps taking writes
        // (lost ones) until Sentinel demotes it, about 10 s later.
        failoverDetector: true,
      });
    case 'cluster':
      return new Cluster(connection.nodes, {
        lazyConnect: true,
        // The cluster client needs its queue while it (re)discovers slots; commands still fail
        // when no node answers, through maxRetriesPerRequest and the command timeout.
        enableOfflineQueue: true,
        clusterRetryStrategy: reconnectDelay,
        redisOptions: {
          ...common,
          ...(connection.password === undefined ? {} : { password: connection.password }),
        },
      });
  }
}

function describeTarget(connection: RedisConnectionOptions): string {
  switch (connection.mode) {
    case 'standalone': {
      const url = new URL(connection.url);
      return `Redis at ${url.hostname}:${url.port || DEFAULT_REDIS_PORT}`;
    }
    case 'sentinel':
      return `Redis through Sentinel ${formatAddresses(connection.sentinels)} (master name ${JSON.stringify(connection.masterName)})`;
    case 'cluster':
      return `Redis Cluster at ${formatAddresses(connection.nodes)}`;
  }
}

const DEFAULT_REDIS_PORT = 6379;

const formatAddresses = (addresses: readonly RedisAddress[]) =>
  addresses.map(({ host, port }) => `${host}:${port}`).join(',');

/**
 * The first connection: resolves once the client is ready, or disconnects it and throws a
 * RedisConnectError at the first error the client reports or after `timeoutMs`, whichever comes
 * first. Left alone, ioredis would keep trying (through Sentinel, with no end and no word) and
 * report a wrong password or a refused connection as "Connection is closed"; start-up should
 * instead fail with the reason. Once connected, the client reconnects by itself.
 */
export async function connectRedis(
  client: RedisClient,
  timeoutMs = STARTUP_CONNECT_TIMEOUT_MS,
): Promise<void> {
  if (client.status === 'ready') return;
  const target = targets.get(client) ?? 'Redis';
  // Sentinel and Cluster report each sentinel's or node's failure apart, with its address, before
  // the error that ends the attempt; those are the reasons worth showing.
  const reasons = new Set<string>();
  const onSentinelError = (error: Error) => reasons.add(explainSentinelError(error.message));
  const onNodeError = (error: Error, address: string) => reasons.add(`${address}: ${error.message}`);
  await new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (failure?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      client.off('error', onError);
      client.off('sentinelError', onSentinelError);
      client.off('node error', onNodeError);
      if (failure === undefined) return resolve();
      // The client is given up: ioredis's Sentinel loop may still report one more failed round
      // after the disconnect, which would otherwise print as an unhandled error event.
      client.on('error', () => undefined);
      disconnectRedis(client);
      reject(new RedisConnectError(target, failure));
    };
    // A failed round of sentinels or seeds is best told by its parts; any other error (the
    // server refused the connection, or the password) is the reason itself.
    const explain = (error: Error, composite: boolean) =>
      (composite && [...reasons].join('; ')) || error.message;
    const onError = (error: Error) =>
      finish(explain(error, client instanceof Cluster || isAllSentinelsFailedError(error)));
    const deadline = setTimeout(
      () => finish([`no connection within ${timeoutMs} ms`, ...reasons].join('; ')),
      timeoutMs,
    );
    client.on('error', onError);
    client.on('sentinelError', onSentinelError);
    client.on('node error', onNodeError);
    // ioredis rejects this after the 'error' it emitted, with a vaguer message ("Connection is
    // closed"); the rejection matters only when no error came first.
    client.connect().then(
      () => finish(),
      (error: Error) => finish(explain(error, true)),
    );
  });
}

/** Parses `host:port,host:port` (Sentinel and Cluster seed lists). */
export function parseRedisAddresses(list: string): RedisAddress[] {
  return list
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => {
      const colon = item.lastIndexOf(':');
      const port = Number(item.slice(colon + 1));
      if (colon <= 0 || !Number.isInteger(port) || port <= 0 || port > 65_535) {
        throw new TypeError(`expected host:port, got ${JSON.stringify(item)}`);
      }
      return { host: item.slice(0, colon).replace(/^\[|\]$/g, ''), port };
    });
}

/**
 * Creates one connection per purpose and connects them (bounded in time, see `connectRedis`);
 * the stream reader connects on its first read. On failure every one is disconnected and the
 * RedisConnectError thrown. Outages after start are reported by the components, not as
 * ioredis 'error' events (emitted on every failed reconnect).
 */
export async function openRedisClients<Purpose extends ConnectionPurpose>(
  connection: RedisConnectionOptions,
  options: Omit<RedisClientOptions, 'purpose'>,
  purposes: readonly Purpose[],
): Promise<Record<Purpose, RedisClient>> {
  const clients = Object.fromEntries(
    purposes.map((purpose) => {
      const client = createRedisClient(connection, { ...options, purpose });
      client.on('error', () => undefined);
      return [purpose, client];
    }),
  ) as Record<Purpose, RedisClient>;
  const all = Object.values<RedisClient>(clients);
  try {
    await Promise.all(
      purposes
        .filter((purpose) => purpose !== 'stream-reader')
        .map((purpose) => connectRedis(clients[purpose])),
    );
  } catch (error) {
    // connectRedis disconnected the one that failed; the others would keep retrying.
    for (const client of all) if (client.status !== 'end') disconnectRedis(client);
    throw error;
  }
  return clients;
}

/** Quits every client; one already closed is left alone. */
export async function closeRedisClients(clients: readonly RedisClient[]): Promise<void> {
  await Promise.all(
    clients
      // Already closed (the stream follower's stop() disconnects its reader): disconnecting
      // again would make ioredis arm a 2 s timer on the old socket, holding the process open.
      .filter((client) => client.status !== 'end')
      .map((client) => {
        closedOnPurpose.add(client);
        return client.quit().then(
          () => undefined,
          () => client.disconnect(),
        );
      }),
  );
}
