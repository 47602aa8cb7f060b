/**
 * Entry point of a gateway replica: `node services/gateway/dist/main.js`. Reads only the
 * environment (see config.ts), logs JSON to stdout, and exits cleanly on SIGTERM / SIGINT.
 */
import { runService } from '@tickwire/service';
import { loadConfig } from './config';
import { Gateway } from './gateway';
import { openGatewayRedis } from './redis-connection';

runService({
  name: 'gateway',
  loadConfig: () => loadConfig(),
  create: async ({ config, logger, registry }) =>
    new Gateway({ config, logger, registry, redis: await openGatewayRedis(config) }),
});
