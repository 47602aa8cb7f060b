/**
 * Entry point of a market-data pod: `node services/market-data/dist/main.js`. Reads only the
 * environment (see config.ts), logs JSON to stdout, and exits cleanly on SIGTERM / SIGINT.
 */
import { createLogger, createMetricsRegistry } from '@tickwire/observability';
import { ConfigError, loadConfig, type Config } from './config';
import { createEngine } from './engine-factory';
import { exchangeEndpoints } from './exchange-endpoints';
import { Pod } from './pod';

/** Extra time past the grace period before the process exits no matter what (ms). */
const HARD_EXIT_MARGIN_MS = 2_000;

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`tickwire market-data: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger({
    level: config.LOG_LEVEL,
    service: 'market-data',
    base: { instance: config.INSTANCE_ID },
  });
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception; exiting');
    process.exit(1);
  });
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection');
  });

  // A pod that cannot start says why in its own log, once, and exits 1 for its supervisor.
  const failedToStart = (error: unknown): never => {
    logger.fatal({ err: error }, `failed to start: ${(error as Error).message}`);
    process.exit(1);
  };

  const registry = createMetricsRegistry({ defaultMetrics: true });
  const pod = new Pod({
    config,
    logger,
    registry,
    exchanges: exchangeEndpoints(config),
    engine: await createEngine(config, logger).catch(failedToStart),
  });

  const shutdown = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.SHUTDOWN_GRACE_MS + HARD_EXIT_MARGIN_MS).unref();
    pod.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);

  await pod.start().catch(failedToStart);
  // One line that scripts and tests can wait for.
  logger.info({ port: pod.port(), url: `http://127.0.0.1:${pod.port()}` }, 'listening');
}

main().catch((error: unknown) => {
  process.stderr.write(`tickwire market-data failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
