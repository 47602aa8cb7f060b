/**
 * Forwards a request to a healthy upstream (a market-data pod, a scanner replica) and streams its
 * answer back as it arrives (status, the headers a client needs, body piped, never gathered), so
 * an event stream passes through unbuffered, heartbeats included. Conditional requests pass
 * through, so a poller's `If-None-Match` gets the upstream's 304. An upstream that cannot be
 * reached is dropped from rotation and the request tried once more on another (a request that
 * changes state only when the connection was refused: it cannot have been seen); a client that
 * leaves aborts the upstream request at once.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { Logger } from '@tickwire/observability';
import type { Dispatcher } from 'undici';
import type { HttpError } from '@tickwire/service';
import { httpErrors } from '../http/errors';
import type { GatewayMetrics } from '../metrics';
import type { UpstreamPool } from './upstream-pool';

/** Upstreams tried for one request: a second one when the first could not be reached. */
const MAX_UPSTREAMS_PER_REQUEST = 2;
/** What an upstream is asked with, besides method and path. */
const FORWARDED_REQUEST_HEADERS = ['accept', 'if-none-match', 'if-modified-since', 'last-event-id'] as const;
/** What of an upstream's answer reaches the client; CORS and security headers are the gateway's own. */
const FORWARDED_RESPONSE_HEADERS = [
  'content-type',
  'content-length',
  'etag',
  'cache-control',
  'last-modified',
  'retry-after',
  'location',
  'x-accel-buffering',
] as const;
/** Failures before the upstream saw the request: safe to try another, for a read. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);
/** The only failure that proves a request that changes state was never seen. */
const REFUSED_CODES = new Set(['ECONNREFUSED']);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

export interface UpstreamProxyOptions {
  pool: UpstreamPool;
  dispatcher: Dispatcher;
  /** Longest wait for the head, and between body chunks of an answer that is not a stream (ms). */
  timeoutMs: number;
  /** Who the upstream is to clients, in error messages (`the market-data pod`). */
  upstreamName: string;
  /** The error when no upstream is ready. */
  noneReady: () => HttpError;
  metrics: GatewayMetrics;
  logger: Logger;
}

/** An upstream's whole answer, gathered (small JSON answers the gateway keeps, such as prices). */
export interface UpstreamAnswer {
  statusCode: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/** How to ask, when not a plain read with the client's headers. */
export interface ForwardOptions {
  method?: 'GET' | 'HEAD' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Set (or replace) on the upstream request, after the client's forwarded headers. */
  headers?: Record<string, string>;
  /** A JSON body, already read and checked. */
  body?: string;
  /** A long-lived answer (an event stream): no limit between body chunks. */
  stream?: boolean;
}

interface Ask {
  method: NonNullable<ForwardOptions['method']>;
  headers: Record<string, string>;
  body?: string;
  stream?: boolean;
}

export class UpstreamProxy {
  constructor(private readonly options: UpstreamProxyOptions) {}

  /** Answers `req` with an upstream's answer to `path` (path and query as the client sent them), streamed. */
  async forward(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    options: ForwardOptions = {},
  ): Promise<void> {
    const aborted = new AbortController();
    // Only a client that leaves before its answer is complete cancels the upstream request.
    const abort = () => {
      if (!res.writableFinished) aborted.abort();
    };
    res.once('close', abort);
    try {
      const headers = { ...forwardedRequestHeaders(req), ...options.headers };
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      const ask: Ask = {
        method: options.method ?? (req.method === 'HEAD' ? 'HEAD' : 'GET'),
        headers,
        ...(options.body === undefined ? {} : { body: options.body }),
        ...(options.stream ? { stream: true } : {}),
      };
      const { origin, upstream } = await this.request(ask, path, aborted.signal);
      if (!upstream) return; // the client left; nobody to answer
      res.writeHead(upstream.statusCode, forwardedResponseHeaders(upstream.headers));
      try {
        await pipeline(upstream.body, res);
      } catch (error) {
        // The head is out: a pod that fails mid-body, or a client that leaves, ends the response.
        if (!aborted.signal.aborted)
          this.options.logger.warn({ err: error, upstream: origin, path }, 'upstream response cut short');
        res.destroy();
      }
    } finally {
      res.off('close', abort);
    }
  }

  /** A pod's whole answer to a GET of `path`, unconditional (so a 200 carries the body to keep). */
  async fetch(path: string): Promise<UpstreamAnswer> {
    const { upstream } = await this.request({ method: 'GET', headers: {} }, path, undefined);
    const body = Buffer.from(await upstream!.body.arrayBuffer());
    return { statusCode: upstream!.statusCode, headers: forwardedResponseHeaders(upstream!.headers), body };
  }

  /**
   * Asks a healthy pod, and another once when the first cannot be reached. Resolves without an
   * answer when `signal` aborted (the client left); throws the gateway's 502/503/504 errors.
   */
  private async request(
    ask: Ask,
    path: string,
    signal: AbortSignal | undefined,
  ): Promise<{ origin?: string; upstream?: Dispatcher.ResponseData }> {
    const { pool, metrics } = this.options;
    const tried = new Set<string>();
    const retryable = ask.method === 'GET' || ask.method === 'HEAD' ? UNREACHABLE_CODES : REFUSED_CODES;
    for (let attempt = 0; attempt < MAX_UPSTREAMS_PER_REQUEST; attempt += 1) {
      const origin = pool.pick(tried);
      if (origin === undefined) break;
      tried.add(origin);
      try {
        const upstream = await this.options.dispatcher.request({
          origin,
          path,
          method: ask.method,
          headers: ask.headers,
          ...(ask.body === undefined ? {} : { body: ask.body }),
          signal,
          headersTimeout: this.options.timeoutMs,
          bodyTimeout: ask.stream ? 0 : this.options.timeoutMs,
        });
        metrics.upstreamRequests.inc({ outcome: 'ok' });
        pool.requestAnswered(origin);
        return { origin, upstream };
      } catch (error) {
        if (signal?.aborted) return {};
        const code = (error as { code?: string }).code ?? '';
        if (UNREACHABLE_CODES.has(code)) pool.requestFailed(origin, error as Error & { code?: string });
        if (retryable.has(code)) continue;
        metrics.upstreamRequests.inc({ outcome: TIMEOUT_CODES.has(code) ? 'timeout' : 'failed' });
        this.options.logger.warn({ err: error, upstream: origin, path }, 'upstream request failed');
        const name = this.options.upstreamName;
        throw TIMEOUT_CODES.has(code) ? httpErrors.upstreamTimeout(name) : httpErrors.upstreamFailed(name);
      }
    }
    metrics.upstreamRequests.inc({ outcome: tried.size === 0 ? 'no-pod' : 'failed' });
    throw tried.size === 0 ? this.options.noneReady() : httpErrors.upstreamFailed(this.options.upstreamName);
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
