/**
 * Entry point of a scanner replica: `node services/scanner/dist/main.js`. Reads only the
 * environment (see config.ts), logs JSON to stdout, and exits cleanly on SIGTERM / SIGINT.
 */
import { runService } from '@tickwire/service';
import { loadConfig } from './config';
import { MarketData } from './evaluation/market-data';
import { createLeadership } from './leadership-factory';
import { Scanner } from './scanner';

runService({
  name: 'scanner',
  loadConfig: () => loadConfig(),
  create: async ({ config, logger, registry }) => {
    const leadership = await createLeadership(config, logger);
    try {
      return new Scanner({
        config,
        logger,
        registry,
        leadership,
        market: await MarketData.open(config, logger),
      });
    } catch (error) {
      await leadership.close();
      throw error;
    }
  },
});
