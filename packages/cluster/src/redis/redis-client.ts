/**
 * The one place that creates Redis connections (STYLE rule 4): a standalone URL, a Sentinel
 * group or a Redis Cluster, with the same failure behaviour for all three. Commands fail fast
 * while disconnected instead of queueing, because the election must notice an outage on its
 * own clock, and reconnects are retried quickly so the cluster recovers by itself.
 */
import { Cluster, Redis, type RedisOptions } from 'ioredis';

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
/** How long `connect()` waits for a first connection at start-up (ms). */
const CONNECT_TIMEOUT_MS = 5_000;
/** Client-side guard for blocking reads on a server that stopped answering (ms, added to BLOCK). */
const BLOCKING_TIMEOUT_MS = 10_000;

const reconnectDelay = (attempt: number) => Math.min(attempt * RECONNECT_STEP_MS, RECONNECT_MAX_MS);

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

/** Connects, bounded in time; the client keeps reconnecting by itself after that. */
export async function connectRedis(client: RedisClient): Promise<void> {
  if (client.status === 'ready') return;
  await client.connect();
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
