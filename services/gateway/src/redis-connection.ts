/** Opens the one Redis connection a gateway replica (or `pnpm keys`) uses, from its configuration. */
import { DEFAULT_COMMAND_TIMEOUT_MS, openRedisClients, type RedisClient } from '@tickwire/cluster';
import { redisConnectionFrom } from '@tickwire/service';
import type { Config } from './config';

export async function openGatewayRedis(config: Config): Promise<RedisClient> {
  // config.ts refuses a configuration without Redis.
  const { commands } = await openRedisClients(
    redisConnectionFrom(config)!,
    { instanceId: config.INSTANCE_ID, commandTimeoutMs: DEFAULT_COMMAND_TIMEOUT_MS },
    ['commands'],
  );
  return commands;
}
