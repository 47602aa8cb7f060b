/**
 * Runs a real scanner in the test process against a real Redis, under a fresh namespace, with
 * fast timings. Used by the integration tests only.
 */
import { randomUUID } from 'node:crypto';
import { createLogger, createMetricsRegistry } from '@tickwire/observability';
import { loadConfig, type Config } from '../config';
import { MarketData } from '../evaluation/market-data';
import { createLeadership } from '../leadership-factory';
import type { Scan } from '../role';
import { Scanner } from '../scanner';

export interface ScannerHarness {
  scanner: Scanner;
  config: Config;
  url: string;
  /** A request with the JSON body and owner header set when given. */
  request(
    method: string,
    path: string,
    options?: { owner?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
  stop(): Promise<void>;
}

export const freshNamespace = () => `ts${randomUUID().slice(0, 8)}`;

export async function startScannerHarness(
  redisUrl: string,
  env: Record<string, string> = {},
  scan?: Scan,
): Promise<ScannerHarness> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    REDIS_URL: redisUrl,
    SCANNER_NAMESPACE: freshNamespace(),
    MARKET_DATA_NAMESPACE: freshNamespace(),
    // Renews are quick, but the deadline outlasts a stalled test process (up to ~1.5 s on a busy
    // machine): with 700 ms a stall stepped the scanner down and a fenced append failed NOT_LEADER.
    // Every test scanner releases its lease on stop, so nothing waits for the lease to expire.
    LEADER_LEASE_MS: '5000',
    LEADER_RENEW_MS: '250',
    LEADER_RENEW_DEADLINE_MS: '4000',
    LEADER_RETRY_MS: '100',
    SHUTDOWN_GRACE_MS: '2000',
    ...env,
  });
  const logger = createLogger({ level: 'silent', service: 'scanner' });
  const scanner = new Scanner({
    config,
    logger,
    registry: createMetricsRegistry({ defaultMetrics: false }),
    leadership: await createLeadership(config, logger),
    market: await MarketData.open(config, logger),
    ...(scan ? { scan } : {}),
  });
  await scanner.start();
  const url = `http://127.0.0.1:${scanner.port()}`;
  return {
    scanner,
    config,
    url,
    request: (method, path, options = {}) =>
      fetch(`${url}${path}`, {
        method,
        headers: {
          ...(options.owner === undefined ? {} : { 'X-Owner-Id': options.owner }),
          ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...options.headers,
        },
        ...(options.body === undefined
          ? {}
          : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
        signal: AbortSignal.timeout(5_000),
      }),
    stop: () => scanner.stop(),
  };
}
