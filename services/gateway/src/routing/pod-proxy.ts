/**
 * Forwards a REST request to a healthy instance (a market-data pod, a scanner replica) and streams
 * its answer back as it arrives (status, the headers a client needs, body piped, never gathered).
 * Conditional requests pass through, so a poller's `If-None-Match` gets the pod's 304. An
 * instance that cannot be reached is dropped from rotation and the request tried once more on
 * another (a POST or PATCH only when the first never took the connection, so no write is sent
 * twice); a client that leaves aborts the upstream request at once.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { Logger } from '@tickwire/observability';
import type { Dispatcher } from 'undici';
import { httpErrors } from '../http/errors';
import type { GatewayMetrics } from '../metrics';
import type { PodPool } from './pod-pool';

/** Pods tried for one request: a second one when the first could not be reached. */
const MAX_PODS_PER_REQUEST = 2;
/** What a pod is asked with, besides method and path. */
const FORWARDED_REQUEST_HEADERS = ['accept', 'if-none-match', 'if-modified-since'] as const;
/** What of a pod's answer reaches the client; CORS and security headers are the gateway's own. */
const FORWARDED_RESPONSE_HEADERS = [
  'content-type',
  'content-length',
  'etag',
  'cache-control',
  'last-modified',
  'retry-after',
] as const;
/** Failures before the pod saw the request: safe to try another. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
/** Failures before any byte was sent: safe to try another even with a write. */
const NOT_CONNECTED_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
/** Methods that may be sent twice without harm. */
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'DELETE']);
const FORWARDED_METHODS = new Set(['GET', 'HEAD', 'POST', 'PATCH', 'DELETE']);

export interface ForwardOptions {
  /** Set on the upstream request over anything the client sent (the owner a bot key acts for). */
  headers?: Record<string, string>;
  /** A JSON body, already read and checked (POST, PATCH). */
  body?: string;
}

export interface PodProxyOptions {
  pool: PodPool;
  dispatcher: Dispatcher;
  /** Longest wait for the head, and between body chunks (ms). */
  timeoutMs: number;
  metrics: GatewayMetrics;
  logger: Logger;
}

export class PodProxy {
  constructor(private readonly options: PodProxyOptions) {}

  /** Answers `req` with an instance's answer to `path` (path and query as the client sent them). */
  async forward(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    forward: ForwardOptions = {},
  ): Promise<void> {
    const { pool, metrics } = this.options;
    const method = FORWARDED_METHODS.has(req.method ?? '') ? (req.method as Dispatcher.HttpMethod) : 'GET';
    const headers = {
      ...forwardedRequestHeaders(req),
      ...(forward.body !== undefined && { 'content-type': 'application/json' }),
      ...forward.headers,
    };
    const tried = new Set<string>();
    for (let attempt = 0; attempt < MAX_PODS_PER_REQUEST; attempt += 1) {
      const origin = pool.pick(tried);
      if (origin === undefined) break;
      tried.add(origin);
      const aborted = new AbortController();
      const abort = () => aborted.abort();
      res.once('close', abort);
      let upstream: Dispatcher.ResponseData;
      try {
        upstream = await this.options.dispatcher.request({
          origin,
          path,
          method,
          headers,
          ...(forward.body !== undefined && { body: forward.body }),
          signal: aborted.signal,
          headersTimeout: this.options.timeoutMs,
          bodyTimeout: this.options.timeoutMs,
        });
      } catch (error) {
        res.off('close', abort);
        if (aborted.signal.aborted) return; // the client left; nobody to answer
        const code = (error as { code?: string }).code ?? '';
        if (UNREACHABLE_CODES.has(code)) {
          pool.markDown(origin, `${code}: ${(error as Error).message}`);
          if (IDEMPOTENT_METHODS.has(method) || NOT_CONNECTED_CODES.has(code)) continue;
          metrics.upstreamRequests.inc({ outcome: 'failed' });
          throw httpErrors.upstreamFailed();
        }
        metrics.upstreamRequests.inc({ outcome: TIMEOUT_CODES.has(code) ? 'timeout' : 'failed' });
        this.options.logger.warn({ err: error, pod: origin, path }, 'pod request failed');
        throw TIMEOUT_CODES.has(code) ? httpErrors.upstreamTimeout() : httpErrors.upstreamFailed();
      }
      metrics.upstreamRequests.inc({ outcome: 'ok' });
      res.writeHead(upstream.statusCode, forwardedResponseHeaders(upstream.headers));
      try {
        await pipeline(upstream.body, res);
      } catch (error) {
        // The head is out: a pod that fails mid-body, or a client that leaves, ends the response.
        if (!aborted.signal.aborted)
          this.options.logger.warn({ err: error, pod: origin, path }, 'pod response cut short');
        res.destroy();
      } finally {
        res.off('close', abort);
      }
      return;
    }
    metrics.upstreamRequests.inc({ outcome: tried.size === 0 ? 'no-pod' : 'failed' });
    throw tried.size === 0 ? httpErrors.noHealthyPod() : httpErrors.upstreamFailed();
  }
}

function forwardedRequestHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = req.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  return headers;
}

function forwardedResponseHeaders(
  upstream: Dispatcher.ResponseData['headers'],
): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const name of FORWARDED_RESPONSE_HEADERS) {
    const value = upstream[name];
    if (value !== undefined) headers[name] = value;
  }
  return headers;
}
