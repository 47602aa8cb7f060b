/**
 * Picks the pod's engine from its configuration: the memory engine by default, the Redis
 * engine when one of REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES is set; the watch on the
 * scanner's heartbeat when SCANNER_NAMESPACE is set; and the connections of stream access when
 * STREAM_TOKEN_SECRET is set.
 */
import {
  DEFAULT_COMMAND_TIMEOUT_MS,
  MemoryEngine,
  openRedisClients,
  RedisEngine,
  ScannerHeartbeatWatch,
  type Engine,
  type RedisClient,
} from '@tickwire/cluster';
import type { Logger } from '@tickwire/observability';
import { electionTimingsFrom, redisConnectionFrom } from '@tickwire/service';
import type { Config } from './config';

/** How often a pod reads the scanner's heartbeat for `/health` (ms). */
const SCANNER_HEARTBEAT_POLL_MS = 5_000;

export async function createEngine(config: Config, logger: Logger): Promise<Engine> {
  const connection = redisConnectionFrom(config);
  if (!connection) {
    return new MemoryEngine({
      instanceId: config.INSTANCE_ID,
      distribution: { retainedBatches: config.STREAM_RETENTION_BATCHES },
      candles: { retainedCandles: config.CANDLE_HISTORY },
    });
  }
  return RedisEngine.create({
    instanceId: config.INSTANCE_ID,
    connection,
    namespace: config.REDIS_NAMESPACE,
    retainedBatches: config.STREAM_RETENTION_BATCHES,
    retainedCandles: config.CANDLE_HISTORY,
    timings: electionTimingsFrom(config),
    logger: logger.child({ component: 'cluster', mode: connection.mode }),
  });
}

/** The watch on the scanner's heartbeat, when SCANNER_NAMESPACE names one (config.ts requires Redis then). */
export async function createScannerHeartbeatWatch(
  config: Config,
): Promise<ScannerHeartbeatWatch | undefined> {
  const connection = redisConnectionFrom(config);
  if (config.SCANNER_NAMESPACE === undefined || connection === undefined) return undefined;
  return ScannerHeartbeatWatch.connect(connection, {
    instanceId: config.INSTANCE_ID,
    namespace: config.SCANNER_NAMESPACE,
    pollMs: SCANNER_HEARTBEAT_POLL_MS,
  });
}

/** Connections for stream access (quota scripts, revocation channel), when STREAM_TOKEN_SECRET is set. */
export async function openStreamAccessClients(
  config: Config,
): Promise<{ commands: RedisClient; subscriber: RedisClient } | undefined> {
  const connection = redisConnectionFrom(config);
  // config.ts refuses a secret without Redis.
  if (config.STREAM_TOKEN_SECRET === undefined || connection === undefined) return undefined;
  return openRedisClients(
    connection,
    { instanceId: config.INSTANCE_ID, commandTimeoutMs: DEFAULT_COMMAND_TIMEOUT_MS },
    ['commands', 'subscriber'],
  );
}
