/**
 * The Redis settings of every service that uses Redis (standalone, Sentinel or Cluster), spread
 * into each service's schema and docs so they are read, checked and documented the same way,
 * and turned into the connection options of packages/cluster's one client factory.
 */
import { z } from 'zod';
import { parseRedisAddresses, type RedisConnectionOptions } from '@tickwire/cluster';
import type { ConfigDocs } from './config-table';
import { envUrl } from './env-fields';

export function redisConfigShape() {
  return {
    REDIS_URL: envUrl(['redis:', 'rediss:']).optional(),
    REDIS_SENTINELS: z.string().optional(),
    REDIS_SENTINEL_MASTER: z.string().min(1).optional(),
    REDIS_CLUSTER_NODES: z.string().optional(),
    REDIS_PASSWORD: z.string().optional(),
  };
}

/** A key namespace: letters, digits, `_ . -`, at most 64 (it is also the keys' hash tag). */
export function envNamespace() {
  return z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (at most 64)');
}

export type RedisConfig = z.infer<z.ZodObject<ReturnType<typeof redisConfigShape>>>;

export const REDIS_CONFIG_DOCS: ConfigDocs<RedisConfig> = {
  REDIS_URL: 'Standalone Redis (`redis://` or `rediss://`).',
  REDIS_SENTINELS: 'Sentinel seeds `host:port,host:port`; selects the Redis engine through Sentinel.',
  REDIS_SENTINEL_MASTER: 'Master group name the Sentinels monitor (required with `REDIS_SENTINELS`).',
  REDIS_CLUSTER_NODES: 'Redis Cluster seeds `host:port,host:port`; selects the Redis engine on a Cluster.',
  REDIS_PASSWORD:
    'Password of the Redis servers behind Sentinel, or of the Cluster nodes (a standalone URL carries its own; the sentinels themselves are reached without one).',
};

const REDIS_CHOICES = ['REDIS_URL', 'REDIS_SENTINELS', 'REDIS_CLUSTER_NODES'] as const;

/**
 * The rules across the Redis variables, reported with every other problem through `problem`:
 * at most one way to reach Redis (exactly one when `required`), a master name with Sentinels,
 * and well-formed seed lists.
 */
export function checkRedisConfig(
  config: RedisConfig,
  problem: (variable: string, message: string) => void,
  options: { required: boolean },
): void {
  const chosen = REDIS_CHOICES.filter((key) => config[key] !== undefined);
  if (chosen.length > 1)
    problem(chosen[1]!, `set only one of ${REDIS_CHOICES.join(', ')} (got ${chosen.join(' and ')})`);
  if (chosen.length === 0 && options.required)
    problem('REDIS_URL', `is required (or REDIS_SENTINELS or REDIS_CLUSTER_NODES)`);
  if (config.REDIS_SENTINELS !== undefined && config.REDIS_SENTINEL_MASTER === undefined) {
    problem('REDIS_SENTINEL_MASTER', 'is required with REDIS_SENTINELS');
  }
  for (const key of ['REDIS_SENTINELS', 'REDIS_CLUSTER_NODES'] as const) {
    const list = config[key];
    if (list === undefined) continue;
    try {
      if (parseRedisAddresses(list).length === 0) problem(key, 'needs at least one host:port');
    } catch (error) {
      problem(key, (error as Error).message);
    }
  }
}

/** How to reach Redis, or undefined when none of the variables is set. */
export function redisConnectionFrom(config: RedisConfig): RedisConnectionOptions | undefined {
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
