/**
 * The entry point of a service process: reads the config (exit 2 listing every problem), logs
 * JSON to stdout, starts the service, and on SIGTERM / SIGINT stops it within its grace period,
 * exiting no matter what shortly after.
 */
import type { Registry } from 'prom-client';
import type { Lifecycle } from '@tickwire/core';
import { createLogger, createMetricsRegistry, type Logger } from '@tickwire/observability';
import { ConfigError } from '../config/config-error';
import type { ServiceConfig } from '../config/service-config';

/** Extra time past the grace period before the process exits no matter what (ms). */
export const HARD_EXIT_MARGIN_MS = 2_000;
/** Exit status for a configuration the service refuses. */
export const CONFIG_EXIT_CODE = 2;

export interface RunnableService extends Lifecycle {
  /** The HTTP port it listens on, once started. */
  port(): number;
}

export interface ServiceEntry<Config extends ServiceConfig> {
  /** Logged as `service` on every line (`market-data`). */
  name: string;
  loadConfig(): Config;
  /** Builds the service; `start()` is called next. */
  create(deps: { config: Config; logger: Logger; registry: Registry }): Promise<RunnableService>;
}

/** Runs a service until a signal stops it; never resolves. */
export function runService<Config extends ServiceConfig>(entry: ServiceEntry<Config>): void {
  run(entry).catch((error: unknown) => {
    process.stderr.write(
      `tickwire ${entry.name} failed to start: ${(error as Error).stack ?? String(error)}\n`,
    );
    process.exit(1);
  });
}

async function run<Config extends ServiceConfig>(entry: ServiceEntry<Config>): Promise<void> {
  let config: Config;
  try {
    config = entry.loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`tickwire ${entry.name}: ${error.message}\n`);
      process.exit(CONFIG_EXIT_CODE);
    }
    throw error;
  }
  const logger = createLogger({
    level: config.LOG_LEVEL,
    service: entry.name,
    base: { instance: config.INSTANCE_ID },
  });
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception; exiting');
    process.exit(1);
  });
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection');
  });

  // A service that cannot start says why in its own log, once, and exits 1 for its supervisor.
  const failedToStart = (error: unknown): never => {
    logger.fatal({ err: error }, `failed to start: ${(error as Error).message}`);
    process.exit(1);
  };

  const registry = createMetricsRegistry({ defaultMetrics: true });
  const service = await entry.create({ config, logger, registry }).catch(failedToStart);

  const shutdown = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.SHUTDOWN_GRACE_MS + HARD_EXIT_MARGIN_MS).unref();
    service.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);

  await service.start().catch(failedToStart);
  // One line that scripts and tests can wait for.
  logger.info({ port: service.port(), url: `http://127.0.0.1:${service.port()}` }, 'listening');
}
