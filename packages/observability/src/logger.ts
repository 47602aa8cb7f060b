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
    onChild: keepOneValuePerKey,
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}

/**
 * pino appends a child's bindings to its parent's without looking at them, so a component
 * that names a part of itself (`{component: 'rest-fallback'}` under `{component: 'upstream'}`)
 * wrote the key twice, and JSON readers silently keep only one of the two. A child's value
 * replaces the inherited one instead, as the innermost name is the one a reader wants. This
 * runs once per child logger, never per line.
 */
function keepOneValuePerKey(child: Logger): void {
  const bindings = child as unknown as Record<symbol, string>;
  const serialized = bindings[pino.symbols.chindingsSym] ?? '';
  // The bindings are a JSON object's members, each with a leading comma.
  const merged = JSON.parse(`{${serialized.slice(1)}}`) as Record<string, unknown>;
  let unique = '';
  for (const [key, value] of Object.entries(merged))
    unique += `,${JSON.stringify(key)}:${JSON.stringify(value)}`;
  bindings[pino.symbols.chindingsSym] = unique;
}
