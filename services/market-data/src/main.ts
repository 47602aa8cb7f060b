/**
 * Entry point of a market-data pod: `node services/market-data/dist/main.js`. Reads only the
 * environment (see config.ts), logs JSON to stdout, and exits cleanly on SIGTERM / SIGINT.
 */
import { runService } from '@tickwire/service';
import { loadConfig } from './config';
import { createEngine, createScannerHeartbeatWatch, openStreamAccessClients } from './engine-factory';
import { exchangeEndpoints } from './exchange-endpoints';
import { Pod } from './pod';

runService({
  name: 'market-data',
  loadConfig: () => loadConfig(),
  create: async ({ config, logger, registry }) =>
    new Pod({
      config,
      logger,
      registry,
      exchanges: exchangeEndpoints(config),
      engine: await createEngine(config, logger),
      scannerHeartbeat: await createScannerHeartbeatWatch(config),
      streamAccessClients: await openStreamAccessClients(config),
    }),
});
