/**
 * What a PriceStream shows its readers, in the shape `useSyncExternalStore` wants: `subscribe`
 * and `getSnapshot`, whose snapshot is immutable and the same object until something changed,
 * and whose prices keep their identity while they do not change (a reader of one symbol is not
 * woken by another's tick). Changes made in one turn (a network chunk of many events) wake the
 * readers once.
 *
 * A price is stale when the client received nothing for its symbol for `staleAfterMs`, when the
 * pod served it flagged stale and nothing newer came, or while the pod says its prices are stale.
 * One timer, set for the earliest moment a fresh price can turn stale, keeps that true between
 * events, so a stale price is never shown as live.
 */
import type { TickwireClientError } from './client-errors';
import { callEach } from './emitter';
import type { ServedTicker, ServerStreamStatus, Ticker } from './wire-types';

/**
 * `connecting`: a request is out and the pod has not yet said how it is. `live`, `degraded`
 * (prices fresh, the exchange connection is not) and `stale`: what the pod says. `disconnected`:
 * no stream, waiting to retry, or stopped (`error` says why; none after `close()`).
 */
export type StreamStatus = 'connecting' | 'live' | 'degraded' | 'stale' | 'disconnected';

/** A ticker with the client's verdict on it. */
export interface Price extends Ticker {
  /** True when this price must not be taken as current (see PriceStreamSnapshot). */
  stale: boolean;
}

/** One immutable view of a stream; the same object until something in it changed. */
export interface PriceStreamSnapshot {
  readonly status: StreamStatus;
  /** The latest price of each watched symbol the stream has one for, by symbol. */
  readonly prices: Readonly<Record<string, Price>>;
  /** The symbols whose price is stale, sorted. */
  readonly stalePairs: readonly string[];
  /** Why the stream is not live, while it is not. */
  readonly error: TickwireClientError | undefined;
  /** The pod's last `status` event: its state, the leader and epoch, the exchange connection. */
  readonly server: ServerStreamStatus | undefined;
  /** The watched symbols, sorted. */
  readonly symbols: readonly string[];
}

interface Entry {
  ticker: Ticker;
  receivedAt: number;
  /** The pod served it flagged stale (a snapshot), and no newer tick came since. */
  servedStale: boolean;
  view: Price;
}

export class PriceStreamStore {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<() => void>();
  private status: StreamStatus = 'connecting';
  private error: TickwireClientError | undefined;
  private server: ServerStreamStatus | undefined;
  private symbols: readonly string[] = [];
  private cached: PriceStreamSnapshot | undefined;
  private notifyQueued = false;
  private staleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly staleAfterMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Calls `listener` after each change; returns the function that stops it. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  getSnapshot(): PriceStreamSnapshot {
    this.cached ??= this.build();
    return this.cached;
  }

  isStale(symbol: string): boolean {
    const entry = this.entries.get(symbol);
    return entry === undefined || this.verdict(entry, this.now());
  }

  /** A `snapshot` event: these are now all the prices there are. */
  replaceAll(tickers: readonly ServedTicker[], wanted: ReadonlySet<string>): void {
    this.entries.clear();
    const now = this.now();
    for (const { stale, ...ticker } of tickers) {
      if (wanted.has(ticker.symbol)) this.put(ticker, now, stale === true);
    }
    this.changed();
  }

  update(ticker: Ticker): void {
    this.put(ticker, this.now(), false);
    this.changed();
  }

  /** Drops the prices of symbols no longer watched, and records the watched ones. */
  setSymbols(symbols: readonly string[]): void {
    const wanted = new Set(symbols);
    for (const symbol of this.entries.keys()) if (!wanted.has(symbol)) this.entries.delete(symbol);
    this.symbols = symbols;
    this.changed();
  }

  setStatus(status: StreamStatus, error?: TickwireClientError): void {
    if (status === this.status && error === this.error) return;
    this.status = status;
    this.error = error;
    this.changed();
  }

  /** The pod's `status` event; its `stale` state makes every price stale until it says otherwise. */
  setServer(server: ServerStreamStatus): void {
    this.server = server;
    this.reviewStaleness();
    this.changed();
  }

  /** Stops the staleness timer and forgets the readers. */
  close(): void {
    clearTimeout(this.staleTimer);
    this.staleTimer = undefined;
    this.listeners.clear();
  }

  private put(ticker: Ticker, now: number, servedStale: boolean): void {
    const view = priceView(ticker, this.verdict({ receivedAt: now, servedStale }, now));
    this.entries.set(ticker.symbol, { ticker, receivedAt: now, servedStale, view });
    // A fresh price turns stale after the earliest moment the timer covers; it only needs a timer when none runs.
    if (!view.stale && this.staleTimer === undefined) this.armStaleTimer(now + this.staleAfterMs + 1);
  }

  private verdict(entry: Pick<Entry, 'receivedAt' | 'servedStale'>, now: number): boolean {
    return this.server?.state === 'stale' || entry.servedStale || now - entry.receivedAt > this.staleAfterMs;
  }

  /** Re-judges every price, and sets the timer for the next one that can turn stale. */
  private reviewStaleness(): void {
    clearTimeout(this.staleTimer);
    this.staleTimer = undefined;
    const now = this.now();
    let next = Infinity;
    for (const entry of this.entries.values()) {
      const stale = this.verdict(entry, now);
      if (stale !== entry.view.stale) {
        entry.view = priceView(entry.ticker, stale);
        this.changed();
      }
      if (!stale) next = Math.min(next, entry.receivedAt + this.staleAfterMs + 1);
    }
    if (next !== Infinity) this.armStaleTimer(next);
  }

  private armStaleTimer(at: number): void {
    this.staleTimer = setTimeout(() => this.reviewStaleness(), Math.max(0, at - this.now()));
  }

  private changed(): void {
    this.cached = undefined;
    if (this.notifyQueued) return;
    this.notifyQueued = true;
    queueMicrotask(() => {
      this.notifyQueued = false;
      callEach(this.listeners, undefined);
    });
  }

  private build(): PriceStreamSnapshot {
    const prices: Record<string, Price> = {};
    const stalePairs: string[] = [];
    for (const [symbol, entry] of this.entries) {
      prices[symbol] = entry.view;
      if (entry.view.stale) stalePairs.push(symbol);
    }
    return Object.freeze({
      status: this.status,
      prices: Object.freeze(prices),
      stalePairs: Object.freeze(stalePairs.sort()),
      error: this.error,
      server: this.server,
      symbols: this.symbols,
    });
  }
}

function priceView(ticker: Ticker, stale: boolean): Price {
  return Object.freeze({ ...ticker, stale });
}
