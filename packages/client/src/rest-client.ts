/**
 * TickwireClient: typed calls to a pod's REST API (prices, markets, candles, status) that reuse entity
 * tags, the scanner's signals through the gateway (a `bot` key), and the factory of PriceStreams
 * that share its URL and credentials.
 */
import type { CandleInterval } from '@tickwire/core';
import { AuthSession, type AuthOptions } from './auth-session';
import { CLIENT_ERRORS, errorFromResponse, networkError, TickwireClientError } from './client-errors';
import { EtagCache } from './etag-cache';
import { PriceStream, type PriceStreamOptions } from './price-stream';
import type {
  CandleHistory,
  MarketList,
  MarketListOptions,
  PodStatus,
  PriceList,
  ServedTicker,
  SignalPage,
} from './wire-types';

export interface TickwireClientOptions {
  /** Where the pods answer, e.g. `https://prices.example.com`. */
  baseUrl: string;
  /** An API key or a token, and the refresh to call once on 401. */
  auth?: AuthOptions;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** The fetch to use; default the global one. */
  fetch?: typeof fetch;
  /** The longest wait for a complete answer (ms). Default 10,000. */
  timeoutMs?: number;
  /** Responses kept with their entity tags. Default 256. */
  etagCacheEntries?: number;
}

/** The defaults of TickwireClientOptions. */
export const TICKWIRE_CLIENT_DEFAULTS = { timeoutMs: 10_000, etagCacheEntries: 256 } as const;

const HTTP_NOT_MODIFIED = 304;
const HTTP_UNAUTHORIZED = 401;

/** Stream options a client fills in itself. */
export type ClientStreamOptions = Omit<PriceStreamOptions, 'baseUrl' | 'auth' | 'fetch'>;

export class TickwireClient {
  private readonly baseUrl: string;
  private readonly auth: AuthSession;
  private readonly cache: EtagCache;
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;

  constructor(private readonly options: TickwireClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/u, '');
    this.auth = new AuthSession(options.auth);
    this.cache = new EtagCache(options.etagCacheEntries ?? TICKWIRE_CLIENT_DEFAULTS.etagCacheEntries);
    this.fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.timeoutMs = options.timeoutMs ?? TICKWIRE_CLIENT_DEFAULTS.timeoutMs;
  }

  /** `GET /v1/prices`: the prices of `symbols`, or of every symbol the pods always carry. */
  prices(symbols?: readonly string[]): Promise<PriceList> {
    const query =
      symbols === undefined ? '' : `?${new URLSearchParams({ symbols: symbols.join(',') }).toString()}`;
    return this.get<PriceList>(`/v1/prices${query}`);
  }

  /** `GET /v1/prices/:symbol`. A listed symbol without a price yet fails with `PRICE_UNAVAILABLE` (retry after a second). */
  price(symbol: string): Promise<ServedTicker> {
    return this.get<ServedTicker>(`/v1/prices/${encodeURIComponent(symbol)}`);
  }

  /** `GET /v1/markets`: every served market with its name and latest figures, filtered and sorted. */
  markets(options: MarketListOptions = {}): Promise<MarketList> {
    const params = new URLSearchParams();
    if (options.venues !== undefined) params.set('venue', options.venues.join(','));
    if (options.q !== undefined) params.set('q', options.q);
    if (options.sort !== undefined) params.set('sort', options.sort);
    if (options.order !== undefined) params.set('order', options.order);
    if (options.limit !== undefined) params.set('limit', String(options.limit));
    const query = params.toString() === '' ? '' : `?${params.toString()}`;
    return this.get<MarketList>(`/v1/markets${query}`);
  }

  /** `GET /v1/candles/:symbol`: closed candles oldest first, the open one last. */
  candles(
    symbol: string,
    options: { interval?: CandleInterval; limit?: number } = {},
  ): Promise<CandleHistory> {
    const params = new URLSearchParams();
    if (options.interval !== undefined) params.set('interval', options.interval);
    if (options.limit !== undefined) params.set('limit', String(options.limit));
    const query = params.toString() === '' ? '' : `?${params.toString()}`;
    return this.get<CandleHistory>(`/v1/candles/${encodeURIComponent(symbol)}${query}`);
  }

  /** `GET /v1/status`: the pod's view of itself and the cluster. */
  status(): Promise<PodStatus> {
    return this.get<PodStatus>('/v1/status');
  }

  /**
   * `GET /v1/signals` through the gateway, with a `bot` key: the key owner's signals, newest
   * first, filtered by strategy or symbol, from `since` (ms or an ISO time); pass a page's
   * `nextCursor` as `cursor` for the older ones.
   */
  signals(
    options: {
      strategy?: string;
      symbol?: string;
      since?: number | string;
      limit?: number;
      cursor?: string;
    } = {},
  ): Promise<SignalPage> {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(options))
      if (value !== undefined) params.set(name, String(value));
    const query = params.toString() === '' ? '' : `?${params.toString()}`;
    return this.get<SignalPage>(`/v1/signals${query}`);
  }

  /** A PriceStream from the same pods, with the same credentials (one refresh serves both). */
  stream(options: ClientStreamOptions = {}): PriceStream {
    return new PriceStream(
      {
        ...options,
        baseUrl: this.baseUrl,
        headers: { ...this.options.headers, ...options.headers },
        fetch: this.fetch,
      },
      this.auth,
    );
  }

  /**
   * GETs `path` and parses its JSON. A body the caller already has (same entity tag) is returned
   * as the same object: treat results as read-only.
   */
  private async get<T>(path: string): Promise<T> {
    const url = `${this.baseUrl}${path}`;
    const cached = this.cache.get(url);
    let response = await this.send(url, cached?.etag);
    if (response.status === HTTP_UNAUTHORIZED && (await this.auth.refreshAfterUnauthorized())) {
      response = await this.send(url, cached?.etag);
    }
    if (response.status === HTTP_NOT_MODIFIED && cached) {
      this.auth.succeeded();
      return cached.value as T;
    }
    if (!response.ok) throw await errorFromResponse(response);
    this.auth.succeeded();
    let value: T;
    try {
      value = (await response.json()) as T;
    } catch (error) {
      throw this.failure(
        error,
        url,
        new TickwireClientError(
          CLIENT_ERRORS.badResponse,
          `${url} answered ${response.status} without JSON`,
          {
            status: response.status,
            cause: error,
          },
        ),
      );
    }
    const etag = response.headers.get('etag');
    if (etag !== null) this.cache.set(url, { etag, value });
    return value;
  }

  private async send(url: string, etag: string | undefined): Promise<Response> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      ...this.options.headers,
      ...this.auth.headers(),
    };
    if (etag !== undefined) headers['If-None-Match'] = etag;
    try {
      return await this.fetch(url, { headers, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      throw this.failure(error, url, networkError(error, url));
    }
  }

  /** `otherwise`, unless `error` is the request's timeout. */
  private failure(error: unknown, url: string, otherwise: TickwireClientError): TickwireClientError {
    if (error instanceof Error && error.name === 'TimeoutError')
      return new TickwireClientError(
        CLIENT_ERRORS.timeout,
        `no answer from ${url} within ${this.timeoutMs} ms`,
        {
          cause: error,
        },
      );
    return otherwise;
  }
}
