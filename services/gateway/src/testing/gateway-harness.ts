/**
 * Runs real gateway replicas in the test process against a real Redis, with their log lines
 * captured as text, and an HTTP client that can send from another loopback address (a second
 * client IP on one machine). Used by the integration tests only.
 */
import { randomUUID } from 'node:crypto';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { Writable } from 'node:stream';
import { createLogger, createMetricsRegistry } from '@tickwire/observability';
import { loadConfig, type Config } from '../config';
import { Gateway } from '../gateway';
import { openGatewayRedis } from '../redis-connection';

export interface GatewayHarness {
  gateway: Gateway;
  config: Config;
  url: string;
  /** Every log line, as written. */
  logLines: string[];
  stop(): Promise<void>;
}

export const freshGatewayNamespace = () => `tg${randomUUID().slice(0, 8)}`;

export async function startGatewayHarness(env: Record<string, string>): Promise<GatewayHarness> {
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', SHUTDOWN_GRACE_MS: '2000', ...env });
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logLines.push(...chunk.toString().split('\n').filter(Boolean));
      callback();
    },
  });
  const logger = createLogger({ level: 'debug', service: 'gateway', destination });
  const gateway = new Gateway({
    config,
    logger,
    registry: createMetricsRegistry({ defaultMetrics: false }),
    redis: await openGatewayRedis(config),
  });
  await gateway.start();
  return {
    gateway,
    config,
    url: `http://127.0.0.1:${gateway.port()}`,
    logLines,
    stop: () => gateway.stop(),
  };
}

export interface SimpleResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  json(): unknown;
}

export interface SendOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Source address on the loopback network (`127.0.0.2`): another client IP. */
  from?: string;
  agent?: Agent;
}

/** One request with node's client (fetch cannot choose its source address). */
export function send(url: string, options: SendOptions = {}): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        headers: options.headers,
        ...(options.from !== undefined && { localAddress: options.from }),
        ...(options.agent !== undefined && { agent: options.agent }),
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            json: () => JSON.parse(body) as unknown,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within 10 s`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A bearer header for `key`. */
export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
