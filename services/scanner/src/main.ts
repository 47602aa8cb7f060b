/**
 * Entry point of a scanner replica: `node services/scanner/dist/main.js`. Reads only the
 * environment (see config.ts), logs JSON to stdout, and exits cleanly on SIGTERM / SIGINT.
 */
import { runService } from '@tickwire/service';
import { loadConfig } from './config';
import { createLeadership } from './leadership-factory';
import { Scanner } from './scanner';

runService({
  name: 'scanner',
  loadConfig: () => loadConfig(),
  create: async ({ config, logger, registry }) =>
    new Scanner({ config, logger, registry, leadership: await createLeadership(config, logger) }),
});
