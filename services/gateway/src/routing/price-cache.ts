/**
 * The gateway's short-lived cache of the pods' price answers: a crowd of pollers asking for the
 * same prices within `ttlMs` costs the pods one request (concurrent misses share it), and a
 * poller that holds the current ETag gets a 304. The pods allow it: their price answers say
 * `public, max-age=1`, so the TTL is at most one second. Only 200 answers are kept; anything
 * else (an unknown symbol, a pod's 503) passes through as the pod gave it. Operators read the
 * cache's figures and clear it through the admin API.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { matchesIfNoneMatch } from '@tickwire/service';
import type { GatewayMetrics } from '../metrics';
import type { UpstreamAnswer, UpstreamProxy } from './upstream-proxy';

/** The longest a price answer may be kept: the pods' `max-age`. */
export const MAX_PRICE_CACHE_TTL_MS = 1_000;
/** Header telling a client whether its answer came from the cache (`hit`) or a pod (`miss`). */
export const CACHE_STATUS_HEADER = 'x-tickwire-cache';

export interface PriceCacheOptions {
  proxy: Pick<UpstreamProxy, 'fetch'>;
  metrics: Pick<GatewayMetrics, 'priceCacheRequests'>;
  /** How long an answer is served from the cache (ms); 0 turns the cache off. */
  ttlMs: number;
  /** Answers kept at most (one per distinct path and query); the oldest goes first. */
  maxEntries: number;
  now?: () => number;
}

interface Entry {
  answer: UpstreamAnswer;
  storedAt: number;
}

/** What the admin API shows. */
export interface PriceCacheStats {
  ttlMs: number;
  entries: number;
  maxEntries: number;
  /** Age of the oldest and newest answers kept (ms); null when empty. */
  oldestAgeMs: number | null;
  newestAgeMs: number | null;
  /** Price requests served through the cache since start (or since the counters were cleared). */
  requests: number;
  /** Answered without a pod request of their own. */
  hits: number;
  /** Sent to a pod. */
  misses: number;
  /** hits / requests; null before the first request. */
  hitRatio: number | null;
}

export class PriceCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<UpstreamAnswer>>();
  private readonly now: () => number;
  private hits = 0;
  private misses = 0;

  constructor(private readonly options: PriceCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.options.ttlMs > 0;
  }

  /** Answers a GET or HEAD of `path` (path and query as the client sent them). */
  async serve(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const { answer, hit } = await this.lookup(path);
    if (hit) this.hits += 1;
    else this.misses += 1;
    this.options.metrics.priceCacheRequests.inc({ outcome: hit ? 'hit' : 'miss' });
    const etag = answer.headers.etag;
    const headers: Record<string, string | string[]> = {
      ...answer.headers,
      [CACHE_STATUS_HEADER]: hit ? 'hit' : 'miss',
    };
    if (answer.statusCode === 200 && typeof etag === 'string' && matchesIfNoneMatch(header(req), etag)) {
      delete headers['content-length'];
      delete headers['content-type'];
      res.writeHead(304, headers).end();
      return;
    }
    res.writeHead(answer.statusCode, headers);
    res.end(req.method === 'HEAD' ? undefined : answer.body);
  }

  stats(): PriceCacheStats {
    const now = this.now();
    const ages = [...this.entries.values()].map((entry) => now - entry.storedAt);
    const requests = this.hits + this.misses;
    return {
      ttlMs: this.options.ttlMs,
      entries: this.entries.size,
      maxEntries: this.options.maxEntries,
      oldestAgeMs: ages.length === 0 ? null : Math.max(...ages),
      newestAgeMs: ages.length === 0 ? null : Math.min(...ages),
      requests,
      hits: this.hits,
      misses: this.misses,
      hitRatio: requests === 0 ? null : this.hits / requests,
    };
  }

  /** Drops every kept answer and starts the counters afresh; returns how many answers were dropped. */
  clear(): number {
    const dropped = this.entries.size;
    this.entries.clear();
    this.hits = 0;
    this.misses = 0;
    return dropped;
  }

  private async lookup(path: string): Promise<{ answer: UpstreamAnswer; hit: boolean }> {
    const kept = this.entries.get(path);
    if (kept && this.now() - kept.storedAt < this.options.ttlMs) return { answer: kept.answer, hit: true };
    const running = this.inFlight.get(path);
    if (running) return { answer: await running, hit: true };
    const fetching = this.options.proxy.fetch(path).finally(() => this.inFlight.delete(path));
    this.inFlight.set(path, fetching);
    const answer = await fetching;
    if (answer.statusCode === 200) this.keep(path, answer);
    return { answer, hit: false };
  }

  private keep(path: string, answer: UpstreamAnswer): void {
    this.entries.delete(path); // re-inserted last: the map's order is the age order
    this.entries.set(path, { answer, storedAt: this.now() });
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}

function header(req: IncomingMessage): string | undefined {
  const value = req.headers['if-none-match'];
  return typeof value === 'string' ? value : undefined;
}
