/** Connects the scanner's election (and the connection its stores share) from its configuration. */
import { RedisLeadership } from '@tickwire/cluster';
import type { Logger } from '@tickwire/observability';
import { electionTimingsFrom, redisConnectionFrom } from '@tickwire/service';
import type { Config } from './config';

export async function createLeadership(config: Config, logger: Logger): Promise<RedisLeadership> {
  // config.ts refuses a configuration without Redis.
  const connection = redisConnectionFrom(config)!;
  return RedisLeadership.create({
    instanceId: config.INSTANCE_ID,
    connection,
    namespace: config.SCANNER_NAMESPACE,
    timings: electionTimingsFrom(config),
    logger: logger.child({ component: 'election', mode: connection.mode }),
  });
}
