/**
 * The one pino logger factory. Services create one root logger at the edge and pass child
 * loggers (`{component}`) down; packages never import a global logger.
 */
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

export interface LoggerFactoryOptions {
  level: string;
  /** Service name, logged as `service` on every line. */
  service: string;
  /** Extra fields on every line (instance id, ...). */
  base?: Record<string, unknown>;
  /** Defaults to stdout; tests pass a stream to assert on parsed log lines. */
  destination?: DestinationStream;
}

/** Paths never written to logs in clear (API keys, credentials inside URLs). */
export const REDACTED_PATHS = [
  'token',
  '*.token',
  'apiKey',
  '*.apiKey',
  'password',
  '*.password',
  'redisUrl',
  '*.redisUrl',
  'headers.authorization',
  '*.headers.authorization',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
];

export function createLogger(options: LoggerFactoryOptions): Logger {
  const config: LoggerOptions = {
    level: options.level,
    base: { service: options.service, pid: process.pid, ...options.base },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}
