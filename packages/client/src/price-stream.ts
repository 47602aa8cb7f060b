/**
 * PriceStream: live prices of the symbols its readers watch, over one Server-Sent Events
 * connection to the pods (`GET /v1/stream`), for browsers and Node 20+.
 *
 * - One connection for every reader: `watch()` counts readers per symbol, and a change of the
 *   set reopens the connection once, after a short debounce.
 * - Exact resume: every event's id is its place in the cluster's stream, the same on every pod;
 *   a reconnect sends the last one as `Last-Event-ID` and gets exactly the events after it. When
 *   the pod cannot (the stream no longer holds it) it sends a fresh snapshot, which replaces
 *   every price (`snapshot` event with `gap: true`).
 * - Reconnects on network errors, timeouts and HTTP errors that waiting can fix, with backoff,
 *   full jitter and the server's `Retry-After` (reconnect-policy.ts); one credentials refresh on
 *   401, then it stops.
 * - Status from the pod's `status` events and the client's own watchdogs; per-symbol staleness
 *   in the store (price-stream-store.ts), so a stale price is never shown as live.
 */
import type { CandleInterval } from '@tickwire/core';
import { AuthSession, type AuthOptions } from './auth-session';
import { CLIENT_ERRORS, TickwireClientError } from './client-errors';
import { Emitter } from './emitter';
import { runEventStream } from './event-stream';
import { PriceStreamStore, type PriceStreamSnapshot, type StreamStatus } from './price-stream-store';
import { DEFAULT_RECONNECT, isRetryable, retryDelayMs, type ReconnectOptions } from './reconnect-policy';
import { normalizeSymbol, SymbolInterest } from './symbol-interest';
import type { Candle, ServedTicker, ServerStreamStatus, StreamEnding, Ticker } from './wire-types';

export interface PriceStreamOptions {
  /**
   * Where the pods answer, e.g. `https://prices.example.com` (a load balancer), or several pods'
   * URLs, tried in turn when one fails.
   */
  baseUrl: string | readonly string[];
  /** Symbols watched for the stream's whole life (readers add theirs with `watch()`). */
  symbols?: readonly string[];
  /** An API key or a token, and the refresh to call once on 401. */
  auth?: AuthOptions;
  /** A price not updated for this long is stale (ms). Default 30,000. */
  staleAfterMs?: number;
  /**
   * An open stream that sends nothing for this long is presumed dead and reopened (ms). The pods
   * send a heartbeat at least every `SSE_HEARTBEAT_MS` (15 s by default). Default 40,000.
   */
  heartbeatTimeoutMs?: number;
  /** The longest wait for a response head (ms). Default 10,000. */
  connectTimeoutMs?: number;
  /**
   * Ask the pod for at most one tick per symbol per this period (ms, 0 to 60,000; 0 = every
   * tick). Keep it well under `staleAfterMs`. Default 0.
   */
  throttleMs?: number;
  /** Candle intervals whose closes the stream also carries (`candle` events). */
  candles?: readonly CandleInterval[];
  /** Backoff between failed attempts. Default: first retry within 1 s, doubling to 30 s. */
  reconnect?: Partial<ReconnectOptions>;
  /** Symbol changes within this period reopen the connection once (ms). Default 50. */
  symbolsDebounceMs?: number;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** The fetch to use; default the global one. */
  fetch?: typeof fetch;
}

/** The defaults of PriceStreamOptions. */
export const PRICE_STREAM_DEFAULTS = {
  staleAfterMs: 30_000,
  heartbeatTimeoutMs: 40_000,
  connectTimeoutMs: 10_000,
  throttleMs: 0,
  symbolsDebounceMs: 50,
  reconnect: DEFAULT_RECONNECT,
} as const;

/** The pods' limit on `throttle`. */
const MAX_THROTTLE_MS = 60_000;

/** One `tick`: a symbol's latest ticker, and its place in the cluster's stream. */
export interface TickEvent {
  ticker: Ticker;
  /** Undefined for ticks a pod sends while it catches up after a Redis outage. */
  id: string | undefined;
}

/** A `snapshot`: every watched symbol's price at once. */
export interface SnapshotEvent {
  tickers: ServedTicker[];
  id: string | undefined;
  /**
   * False for the stream's first snapshot. True for any later one: it replaced events this
   * stream did not deliver (a resume the pod could not serve, or a reopen for new symbols).
   */
  gap: boolean;
}

export interface PriceStreamEvents {
  tick: TickEvent;
  snapshot: SnapshotEvent;
  /** A closed candle of an interval in `candles`. */
  candle: Candle;
  /** The stream's status changed. */
  status: StreamStatus;
  /** The pod's `status` event (state, leader, epoch, exchange connection). */
  server: ServerStreamStatus;
  /** An attempt failed or a stream was lost; the stream retries unless its status is `disconnected` for good. */
  error: TickwireClientError;
}

export class PriceStream {
  private readonly options: Required<Omit<PriceStreamOptions, 'auth' | 'symbols' | 'baseUrl'>> & {
    reconnect: ReconnectOptions;
  };
  private readonly urls: readonly string[];
  private readonly auth: AuthSession;
  private readonly store: PriceStreamStore;
  private readonly events = new Emitter<PriceStreamEvents>();
  private readonly interest = new SymbolInterest();
  /** The symbols readers watch right now (the connection follows after the debounce). */
  private watched: ReadonlySet<string> = new Set();
  private urlIndex = 0;
  private lastEventId: string | undefined;
  /** The symbols of the current (or last) connection. */
  private streamed: ReadonlySet<string> = new Set();
  private running = false;
  private attempt: AbortController | undefined;
  private wake: (() => void) | undefined;
  private reopenRequested = false;
  private debounceTimer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
  private snapshots = 0;
  /** What the pod said before it ended this connection. */
  private ending: StreamEnding | undefined;
  private closed = false;

  constructor(options: PriceStreamOptions);
  /** @internal A TickwireClient's streams share its credentials (one refresh serves all). */
  constructor(options: PriceStreamOptions, auth: AuthSession);
  constructor(options: PriceStreamOptions, auth?: AuthSession) {
    const merged = {
      ...PRICE_STREAM_DEFAULTS,
      headers: {},
      candles: [],
      fetch: ((input, init) => fetch(input, init)) as typeof fetch,
      ...withoutUndefined(options),
      reconnect: { ...DEFAULT_RECONNECT, ...withoutUndefined(options.reconnect ?? {}) },
    };
    const { throttleMs, staleAfterMs } = merged;
    if (!Number.isInteger(throttleMs) || throttleMs < 0 || throttleMs > MAX_THROTTLE_MS)
      throw new RangeError(`throttleMs must be an integer from 0 to ${MAX_THROTTLE_MS}, got ${throttleMs}`);
    if (!(staleAfterMs > throttleMs))
      throw new RangeError(
        `staleAfterMs (${staleAfterMs}) must exceed throttleMs (${throttleMs}), or every price turns stale`,
      );
    this.options = merged;
    this.urls = (typeof options.baseUrl === 'string' ? [options.baseUrl] : [...options.baseUrl]).map((url) =>
      url.replace(/\/+$/u, ''),
    );
    if (this.urls.length === 0) throw new RangeError('baseUrl must name at least one URL');
    this.auth = auth ?? new AuthSession(options.auth);
    this.store = new PriceStreamStore(staleAfterMs);
    // Without symbols there is nothing to connect to until a reader watches some.
    if (options.symbols && options.symbols.length > 0) this.watch(options.symbols);
    else this.store.setStatus('disconnected');
  }

  /** Calls `listener` after each change of the snapshot (for `useSyncExternalStore`). */
  readonly subscribe = (listener: () => void): (() => void) => this.store.subscribe(listener);

  /** The current state, immutable; the same object until something changed. */
  readonly getSnapshot = (): PriceStreamSnapshot => this.store.getSnapshot();

  /** Whether `symbol`'s price must not be taken as current (true when there is none). */
  isPriceStale(symbol: string): boolean {
    return this.store.isStale(normalizeSymbol(symbol));
  }

  /** Listens to one kind of event; returns the function that stops listening. */
  on<K extends keyof PriceStreamEvents>(
    type: K,
    listener: (event: PriceStreamEvents[K]) => void,
  ): () => void {
    return this.events.on(type, listener);
  }

  /**
   * Adds `symbols` to the stream for one reader; returns the function that removes them again
   * (a symbol stays while any reader still watches it).
   */
  watch(symbols: readonly string[]): () => void {
    const list = [...new Set(symbols.map(normalizeSymbol).filter((symbol) => symbol !== ''))];
    if (this.closed || list.length === 0) return () => {};
    if (this.interest.add(list)) this.symbolsChanged();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (!this.closed && this.interest.remove(list)) this.symbolsChanged();
    };
  }

  /** Ends the stream for good and stops every timer; idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.debounceTimer);
    this.attempt?.abort();
    this.wake?.();
    this.setStatus('disconnected', undefined);
    this.store.close();
    this.events.clear();
  }

  private symbolsChanged(): void {
    const symbols = this.interest.list();
    this.watched = new Set(symbols);
    this.store.setSymbols(symbols);
    // A stream that was idle (or stopped by an error) connects after the debounce.
    if (!this.running && symbols.length > 0) this.setStatus('connecting', this.store.getSnapshot().error);
    clearTimeout(this.debounceTimer);
    this.debounceTimer = setTimeout(() => this.applySymbols(), this.options.symbolsDebounceMs);
  }

  private applySymbols(): void {
    const wanted = this.interest.list();
    if (!this.running) {
      if (wanted.length > 0) this.start();
      return;
    }
    if (wanted.length === this.streamed.size && wanted.every((symbol) => this.streamed.has(symbol))) return;
    this.reopenRequested = true;
    this.attempt?.abort();
    this.wake?.();
  }

  private start(): void {
    this.running = true;
    this.run()
      .catch((error: unknown) => {
        // A bug, not a network failure: stop rather than spin, and say why.
        const failure = new TickwireClientError(
          CLIENT_ERRORS.internal,
          `the stream stopped: ${String(error)}`,
          {
            cause: error,
          },
        );
        this.events.emit('error', failure);
        this.setStatus('disconnected', failure);
      })
      .finally(() => (this.running = false));
  }

  /** Connects, streams, and reconnects, until closed, out of symbols, or stopped by an error waiting cannot fix. */
  private async run(): Promise<void> {
    for (;;) {
      const symbols = this.interest.list();
      if (this.closed) return;
      if (symbols.length === 0) {
        this.streamed = new Set();
        this.setStatus('disconnected', undefined);
        return;
      }
      // A resume is exact for the symbols the last connection had; a new one needs a snapshot.
      if (symbols.some((symbol) => !this.streamed.has(symbol))) this.lastEventId = undefined;
      this.streamed = new Set(symbols);
      const planned = this.reopenRequested;
      this.reopenRequested = false;
      const current = this.store.getSnapshot();
      // A reopen for other symbols keeps the status: the prices it had stay current meanwhile.
      if (!planned || current.status === 'disconnected') this.setStatus('connecting', current.error);
      this.ending = undefined;
      const attempt = (this.attempt = new AbortController());
      const error = await runEventStream(
        {
          url: this.streamUrl(symbols),
          headers: {
            ...this.options.headers,
            ...this.auth.headers(),
            ...(this.lastEventId !== undefined && { 'Last-Event-ID': this.lastEventId }),
          },
          fetch: this.options.fetch,
          connectTimeoutMs: this.options.connectTimeoutMs,
          heartbeatTimeoutMs: this.options.heartbeatTimeoutMs,
          signal: attempt.signal,
        },
        { onOpen: () => this.auth.succeeded(), onEvent: (message) => this.onMessage(message) },
      );
      this.attempt = undefined;
      if (this.closed) return;
      if (error === undefined) continue; // aborted for a reopen
      if (error.status === 401 && (await this.auth.refreshAfterUnauthorized())) continue;
      if (this.closed) return;
      this.events.emit('error', error);
      if (!isRetryable(error)) {
        // Waiting cannot fix it (an unknown symbol, refused credentials): stop until the symbols change.
        this.setStatus('disconnected', error);
        return;
      }
      this.setStatus('disconnected', error);
      // A pod that shuts down asks its clients to come back at once (another pod serves them).
      // (onMessage set `ending` during the await; the compiler still sees the undefined set above.)
      const closing = (this.ending as StreamEnding | undefined)?.state === 'closing';
      if (!closing) this.failures += 1;
      this.urlIndex = (this.urlIndex + 1) % this.urls.length;
      await this.sleep(
        retryDelayMs(closing ? 1 : this.failures, closing ? undefined : error, this.options.reconnect),
      );
    }
  }

  private onMessage(message: { event?: string; id?: string; data: string }): void {
    switch (message.event) {
      case 'tick': {
        const ticker = parseData<Ticker>(message.data);
        if (message.id !== undefined) this.lastEventId = message.id;
        if (!this.watched.has(ticker.symbol)) return;
        this.store.update(ticker);
        this.events.emit('tick', { ticker, id: message.id });
        return;
      }
      case 'snapshot': {
        const { tickers } = parseData<{ tickers: ServedTicker[] }>(message.data);
        if (message.id !== undefined) this.lastEventId = message.id;
        this.store.replaceAll(tickers, this.watched);
        this.events.emit('snapshot', { tickers, id: message.id, gap: this.snapshots > 0 });
        this.snapshots += 1;
        return;
      }
      case 'status': {
        const status = parseData<ServerStreamStatus | StreamEnding>(message.data);
        if (isEnding(status)) {
          this.ending = status;
          return;
        }
        if (message.id !== undefined) this.lastEventId = message.id;
        this.failures = 0;
        this.store.setServer(status);
        this.setStatus(status.state, undefined);
        this.events.emit('server', status);
        return;
      }
      case 'candle':
        this.events.emit('candle', parseData<Candle>(message.data));
        return;
      default:
      // Events a newer pod may add are not this client's business.
    }
  }

  private setStatus(status: StreamStatus, error: TickwireClientError | undefined): void {
    const before = this.store.getSnapshot().status;
    this.store.setStatus(status, error);
    if (status !== before) this.events.emit('status', status);
  }

  private streamUrl(symbols: readonly string[]): string {
    const params = new URLSearchParams({ symbols: symbols.join(',') });
    if (this.options.throttleMs > 0) params.set('throttle', String(this.options.throttleMs));
    if (this.options.candles.length > 0) params.set('candles', this.options.candles.join(','));
    return `${this.urls[this.urlIndex]!}/v1/stream?${params.toString()}`;
  }

  /** Waits `ms`, or less when closed or the symbols change. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}

function isEnding(status: ServerStreamStatus | StreamEnding): status is StreamEnding {
  return status.state === 'closing' || status.state === 'disconnected';
}

function parseData<T>(data: string): T {
  try {
    return JSON.parse(data) as T;
  } catch (error) {
    throw new TickwireClientError(
      CLIENT_ERRORS.badResponse,
      `an event whose data is not JSON: ${data.slice(0, 80)}`,
      {
        cause: error,
      },
    );
  }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
