/**
 * Forwards a REST request to a healthy pod and streams its answer back as it arrives (status,
 * the headers a client needs, body piped, never gathered). Conditional requests pass through,
 * so a poller's `If-None-Match` gets the pod's 304. A pod that cannot be reached is dropped from
 * rotation and the request tried once more on another; a client that leaves aborts the upstream
 * request at once.
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

export interface PodProxyOptions {
  pool: PodPool;
  dispatcher: Dispatcher;
  /** Longest wait for the head, and between body chunks (ms). */
  timeoutMs: number;
  metrics: GatewayMetrics;
  logger: Logger;
}

/** A pod's whole answer, gathered (small JSON answers the gateway keeps, such as prices). */
export interface PodAnswer {
  statusCode: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

export class PodProxy {
  constructor(private readonly options: PodProxyOptions) {}

  /** Answers `req` with a pod's answer to `path` (path and query as the client sent them), streamed. */
  async forward(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const aborted = new AbortController();
    const abort = () => aborted.abort();
    res.once('close', abort);
    try {
      const { origin, upstream } = await this.request(
        { method: req.method === 'HEAD' ? 'HEAD' : 'GET', headers: forwardedRequestHeaders(req) },
        path,
        aborted.signal,
      );
      if (!upstream) return; // the client left; nobody to answer
      res.writeHead(upstream.statusCode, forwardedResponseHeaders(upstream.headers));
      try {
        await pipeline(upstream.body, res);
      } catch (error) {
        // The head is out: a pod that fails mid-body, or a client that leaves, ends the response.
        if (!aborted.signal.aborted)
          this.options.logger.warn({ err: error, pod: origin, path }, 'pod response cut short');
        res.destroy();
      }
    } finally {
      res.off('close', abort);
    }
  }

  /** A pod's whole answer to a GET of `path`, unconditional (so a 200 carries the body to keep). */
  async fetch(path: string): Promise<PodAnswer> {
    const { upstream } = await this.request({ method: 'GET', headers: {} }, path, undefined);
    const body = Buffer.from(await upstream!.body.arrayBuffer());
    return { statusCode: upstream!.statusCode, headers: forwardedResponseHeaders(upstream!.headers), body };
  }

  /**
   * Asks a healthy pod, and another once when the first cannot be reached. Resolves without an
   * answer when `signal` aborted (the client left); throws the gateway's 502/503/504 errors.
   */
  private async request(
    ask: { method: 'GET' | 'HEAD'; headers: Record<string, string> },
    path: string,
    signal: AbortSignal | undefined,
  ): Promise<{ origin?: string; upstream?: Dispatcher.ResponseData }> {
    const { pool, metrics } = this.options;
    const tried = new Set<string>();
    for (let attempt = 0; attempt < MAX_PODS_PER_REQUEST; attempt += 1) {
      const origin = pool.pick(tried);
      if (origin === undefined) break;
      tried.add(origin);
      try {
        const upstream = await this.options.dispatcher.request({
          origin,
          path,
          method: ask.method,
          headers: ask.headers,
          signal,
          headersTimeout: this.options.timeoutMs,
          bodyTimeout: this.options.timeoutMs,
        });
        metrics.upstreamRequests.inc({ outcome: 'ok' });
        return { origin, upstream };
      } catch (error) {
        if (signal?.aborted) return {};
        const code = (error as { code?: string }).code ?? '';
        if (UNREACHABLE_CODES.has(code)) {
          pool.markDown(origin, `${code}: ${(error as Error).message}`);
          continue;
        }
        metrics.upstreamRequests.inc({ outcome: TIMEOUT_CODES.has(code) ? 'timeout' : 'failed' });
        this.options.logger.warn({ err: error, pod: origin, path }, 'pod request failed');
        throw TIMEOUT_CODES.has(code) ? httpErrors.upstreamTimeout() : httpErrors.upstreamFailed();
      }
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
