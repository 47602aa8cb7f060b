/**
 * Picks the pod's engine from its configuration: the memory engine by default, the Redis
 * engine when one of REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES is set.
 */
import {
  MemoryEngine,
  parseRedisAddresses,
  RedisEngine,
  type Engine,
  type RedisConnectionOptions,
} from '@tickwire/cluster';
import type { Logger } from '@tickwire/observability';
import type { Config } from './config';

export function redisConnectionFrom(config: Config): RedisConnectionOptions | undefined {
  const password = config.REDIS_PASSWORD === undefined ? {} : { password: config.REDIS_PASSWORD };
  if (config.REDIS_URL !== undefined) return { mode: 'standalone', url: config.REDIS_URL };
  if (config.REDIS_SENTINELS !== undefined) {
    return {
      mode: 'sentinel',
      sentinels: parseRedisAddresses(config.REDIS_SENTINELS),
      masterName: config.REDIS_SENTINEL_MASTER!,
      ...password,
    };
  }
  if (config.REDIS_CLUSTER_NODES !== undefined) {
    return { mode: 'cluster', nodes: parseRedisAddresses(config.REDIS_CLUSTER_NODES), ...password };
  }
  return undefined;
}

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
    timings: {
      leaseMs: config.LEADER_LEASE_MS,
      renewMs: config.LEADER_RENEW_MS,
      renewDeadlineMs: config.LEADER_RENEW_DEADLINE_MS,
      retryMs: config.LEADER_RETRY_MS,
    },
    logger: logger.child({ component: 'cluster', mode: connection.mode }),
  });
}
