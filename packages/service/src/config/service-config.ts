/**
 * The variables every service reads (listening, naming, logging, browsers, shutdown), spread
 * into each service's schema and docs so they mean the same everywhere.
 */
import { hostname } from 'node:os';
import { z } from 'zod';
import type { ConfigDocs } from './config-table';
import { envInteger, envMilliseconds, envOrigins } from './env-fields';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function serviceConfigShape(defaults: { port: number }) {
  return {
    PORT: envInteger(0, 65535).default(defaults.port),
    HOST: z.string().min(1).default('0.0.0.0'),
    INSTANCE_ID: z.string().min(1).max(128).default(`${hostname()}-${process.pid}`),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    CORS_ORIGINS: envOrigins().default([]),
    SHUTDOWN_GRACE_MS: envMilliseconds(0, 120_000).default(10_000),
  };
}

export type ServiceConfig = z.infer<z.ZodObject<ReturnType<typeof serviceConfigShape>>>;

export const SERVICE_CONFIG_DOCS: ConfigDocs<ServiceConfig> = {
  PORT: 'HTTP port of the API (0 picks a free one).',
  HOST: 'Interface to listen on.',
  INSTANCE_ID: { text: 'Name of this instance in logs, metrics and status.', shownDefault: 'hostname-pid' },
  LOG_LEVEL: 'pino level: fatal, error, warn, info, debug, trace or silent.',
  CORS_ORIGINS:
    'Browser origins on other sites allowed to read the API (`https://app.example.com,http://localhost:3000`, or `*` for any): their requests and preflights get `Access-Control-Allow-Origin`. Unset: no CORS headers, so pages on other origins cannot read responses.',
  SHUTDOWN_GRACE_MS: 'On SIGTERM, time allowed to end streams and close before exiting (ms).',
};
