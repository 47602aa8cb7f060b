/**
 * Which symbols each configured exchange lists, and the name it gives each, fetched from the
 * exchange's own list (`ExchangeAdapter.symbolList`), cached and refreshed every `refreshMs`, so a
 * request for an unknown symbol is answered from memory (404) instead of by a round trip to the
 * exchange, and the market list can name what it serves.
 *
 * An exchange outage must never stop a pod: `start()` waits a bounded time and resolves whether
 * or not the lists came. Until an exchange's first list arrives it is `unavailable`: only the
 * configured symbols (`alwaysKnown`) are known, and `lookup()` answers `unavailable` for the
 * others, so callers can answer 503 ("retry") instead of a misleading 404. Lists are fetched
 * through the process's REST client, within the exchange's budget shared with the REST fallback;
 * failed fetches retry in the background with capped full-jitter backoff, never before the
 * exchange takes requests again (429, ban, spent budget); a failed refresh keeps the previous list.
 */
import { FullJitterBackoff, type ExchangeId, type Lifecycle } from '@tickwire/core';
import { fromCanonicalSymbol } from '@tickwire/exchanges';
import type { ExchangeAdapter, SymbolListSource } from '@tickwire/exchanges';
import type { Logger } from '@tickwire/observability';
import type { RestClient } from '@tickwire/service';
import { SymbolCatalogError, SymbolCatalogErrorCode, symbolListError } from './symbol-catalog-errors';

/** What the catalog knows of one canonical symbol. */
export type SymbolLookup = 'known' | 'unknown' | 'unavailable';

/** One exchange to list: its adapter and the REST base its lists are fetched from. */
export interface SymbolCatalogExchange {
  adapter: ExchangeAdapter;
  restBaseUrl: string;
}

export interface SymbolCatalogOptions {
  /** The cluster's exchanges; each adapter must offer `symbolList`, each exchange once. */
  adapters: readonly SymbolCatalogExchange[];
  /** Canonical symbols always known, whatever the lists say or whether they loaded (`SYMBOLS`). */
  alwaysKnown: readonly string[];
  /** The process's REST client, which knows every exchange of `adapters` as a venue. */
  rest: RestClient;
  /** Named by whoever builds the catalog (`{component: 'symbol-catalog'}`); the catalog adds per-exchange bindings. */
  logger: Logger;
  /** Interval between successful fetches of one exchange's list (ms). Default 1 h. */
  refreshMs: number;
  /** One request, headers and body, gets this long (ms). Default 5 s. */
  timeoutMs: number;
  /** `start()` resolves by this long (ms) at the latest, lists or not. Default 15 s. */
  startTimeoutMs: number;
  /** Failed attempts per exchange after which `start()` stops waiting for it. Default 3. */
  startAttempts: number;
  /** First retry delay ceiling after a failure (ms); doubles per failure. Default 500 ms. */
  retryBaseMs: number;
  /** Retry delay ceiling (ms): an unreachable exchange is retried at least this often. Default 60 s. */
  retryMaxMs: number;
  /** A list body larger than this is refused (bytes). Default 64 MiB. */
  maxBodyBytes: number;
  /** Called after every successful fetch and whenever an exchange's error changes. */
  onChange?: (state: SymbolCatalogState) => void;
  /** Jitter source of the backoff, for tests. */
  random?: () => number;
}

/** The options that have defaults. */
type DefaultedOption =
  | 'refreshMs'
  | 'timeoutMs'
  | 'startTimeoutMs'
  | 'startAttempts'
  | 'retryBaseMs'
  | 'retryMaxMs'
  | 'maxBodyBytes';

export const DEFAULT_SYMBOL_CATALOG_OPTIONS: Readonly<Pick<SymbolCatalogOptions, DefaultedOption>> =
  Object.freeze({
    refreshMs: 3_600_000,
    timeoutMs: 5_000,
    startTimeoutMs: 15_000,
    startAttempts: 3,
    retryBaseMs: 500,
    retryMaxMs: 60_000,
    maxBodyBytes: 64 * 1024 * 1024,
  });

/** One exchange's list, as `state()` reports it. */
export interface SymbolListState {
  exchange: ExchangeId;
  /** A list has loaded (it may be older than `refreshMs` while refreshes fail). */
  available: boolean;
  /** Symbols in the list. */
  count: number;
  /** When the list in use was fetched (ms). */
  loadedAt: number | undefined;
  /** Why the last attempt failed; cleared by the next success. */
  error: { code: string; message: string; at: number } | undefined;
  /** Failed attempts since the last success. */
  failures: number;
  /** When the next fetch is due (ms), if one is scheduled. */
  nextAttemptAt: number | undefined;
}

export interface SymbolCatalogState {
  /** Every exchange has a list: `lookup()` never answers `unavailable`. */
  available: boolean;
  /** Distinct known symbols: every list plus `alwaysKnown`. */
  size: number;
  exchanges: Readonly<Record<string, SymbolListState>>;
}

/** One exchange's list and fetch schedule. */
interface ListEntry {
  readonly exchange: ExchangeId;
  readonly source: SymbolListSource;
  readonly adapter: ExchangeAdapter;
  readonly restBaseUrl: string;
  readonly log: Logger;
  readonly backoff: FullJitterBackoff;
  /** Canonical symbol -> display name, as the exchange's catalog names it. */
  symbols: ReadonlyMap<string, string> | undefined;
  loadedAt: number | undefined;
  error: SymbolListState['error'];
  failures: number;
  nextAttemptAt: number | undefined;
  timer: NodeJS.Timeout | undefined;
  abort: AbortController | undefined;
  inFlight: Promise<void> | undefined;
  /** Resolves once start() need not wait for this exchange any more. */
  settled: Promise<void>;
  settle: () => void;
}

/** Who the catalog is, in the REST client's logs and metrics. */
const CALLER = 'symbol-catalog';
/** setTimeout's longest delay (about 24.8 days); a longer ban still retries at the cap. */
const MAX_TIMER_MS = 2_147_483_647;

export class SymbolCatalog implements Lifecycle {
  private readonly options: SymbolCatalogOptions;
  private readonly entries = new Map<ExchangeId, ListEntry>();
  private readonly alwaysKnown: ReadonlySet<string>;
  private readonly log: Logger;
  private running = false;
  private stopped = false;
  private starting: Promise<void> | undefined;
  private knownCount: number;

  /**
   * Throws {@link SymbolCatalogError} `SYMBOL_CATALOG_INVALID_OPTION`, naming every problem at
   * once: an adapter without `symbolList`, an exchange listed twice, a REST base the adapter
   * refuses, an out-of-range number.
   */
  constructor(
    options: Pick<SymbolCatalogOptions, 'adapters' | 'alwaysKnown' | 'rest' | 'logger'> &
      Partial<SymbolCatalogOptions>,
  ) {
    this.options = { ...DEFAULT_SYMBOL_CATALOG_OPTIONS, ...options };
    this.log = options.logger;
    this.alwaysKnown = new Set(options.alwaysKnown);
    this.knownCount = this.alwaysKnown.size;
    const problems = this.checkNumbers();
    for (const { adapter, restBaseUrl } of options.adapters) {
      const source = adapter.symbolList;
      if (source === undefined) {
        problems.push(`the ${adapter.id} adapter cannot list its symbols (no symbolList)`);
        continue;
      }
      if (this.entries.has(adapter.id)) {
        problems.push(`${adapter.id} is listed twice: give each exchange once`);
        continue;
      }
      try {
        // Pure and cheap: a REST base the adapter refuses fails here, not on every retry.
        source.requests(restBaseUrl);
      } catch (error) {
        problems.push(`${adapter.id}: ${(error as Error).message}`);
        continue;
      }
      this.entries.set(adapter.id, this.newEntry(adapter, source, restBaseUrl));
    }
    if (problems.length > 0) {
      throw new SymbolCatalogError(
        SymbolCatalogErrorCode.InvalidOption,
        `invalid symbol catalog options: ${problems.join('; ')}`,
      );
    }
  }

  /**
   * Fetches every exchange's list; resolves once each has loaded or failed `startAttempts`
   * times, and by `startTimeoutMs` at the latest. Never rejects: an exchange that did not answer
   * is `unavailable` and keeps being retried in the background. Idempotent.
   */
  start(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.starting ??= this.startOnce();
    return this.starting;
  }

  /** Stops every refresh and retry and aborts requests in flight; idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.running = false;
    const inFlight: Promise<void>[] = [];
    for (const entry of this.entries.values()) {
      clearTimeout(entry.timer);
      entry.timer = undefined;
      entry.nextAttemptAt = undefined;
      entry.abort?.abort();
      entry.settle();
      if (entry.inFlight) inFlight.push(entry.inFlight);
    }
    await Promise.all(inFlight);
  }

  /**
   * True when `symbol` (canonical: resolve client input with `resolveSymbol` first) is listed by
   * its exchange or is always known. False also while the list is unavailable: use
   * {@link lookup} to tell the two apart.
   */
  has(symbol: string): boolean {
    if (this.alwaysKnown.has(symbol)) return true;
    for (const entry of this.entries.values()) if (entry.symbols?.has(symbol) === true) return true;
    return false;
  }

  /**
   * `known`: listed or always known. `unknown`: its exchange's list does not have it, or it
   * belongs to no configured exchange (404). `unavailable`: its exchange's list has not loaded
   * yet, so nothing can be said (503, retry).
   */
  lookup(symbol: string): SymbolLookup {
    if (this.alwaysKnown.has(symbol)) return 'known';
    const exchange = fromCanonicalSymbol(symbol)?.exchange;
    const entry = exchange === undefined ? undefined : this.entries.get(exchange);
    if (entry === undefined) return 'unknown';
    if (entry.symbols === undefined) return 'unavailable';
    return entry.symbols.has(symbol) ? 'known' : 'unknown';
  }

  /**
   * The display name the exchange's list gives a canonical symbol (`BTC/USDT`, `APPLE INC`);
   * undefined while its list has not loaded, or for a symbol it does not list.
   */
  name(symbol: string): string | undefined {
    const exchange = fromCanonicalSymbol(symbol)?.exchange;
    return exchange === undefined ? undefined : this.entries.get(exchange)?.symbols?.get(symbol);
  }

  /** Distinct known symbols: every loaded list plus `alwaysKnown`. */
  size(): number {
    return this.knownCount;
  }

  state(): SymbolCatalogState {
    const exchanges: Record<string, SymbolListState> = {};
    let available = true;
    for (const entry of this.entries.values()) {
      available &&= entry.symbols !== undefined;
      exchanges[entry.exchange] = {
        exchange: entry.exchange,
        available: entry.symbols !== undefined,
        count: entry.symbols?.size ?? 0,
        loadedAt: entry.loadedAt,
        error: entry.error && { ...entry.error },
        failures: entry.failures,
        nextAttemptAt: entry.nextAttemptAt,
      };
    }
    return { available, size: this.knownCount, exchanges };
  }

  private async startOnce(): Promise<void> {
    this.running = true;
    const startedAt = Date.now();
    for (const entry of this.entries.values()) this.runAttempt(entry);
    let deadline: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([...this.entries.values()].map((entry) => entry.settled)),
      new Promise<void>((resolve) => (deadline = setTimeout(resolve, this.options.startTimeoutMs))),
    ]);
    clearTimeout(deadline);
    if (!this.running) return;
    const state = this.state();
    const summary = Object.values(state.exchanges).map(({ exchange, count, error }) => ({
      exchange,
      count,
      error: error?.code,
    }));
    if (state.available) {
      this.log.info(
        { exchanges: summary, size: state.size, ms: Date.now() - startedAt },
        'symbol lists loaded',
      );
    } else {
      this.log.warn(
        { exchanges: summary, alwaysKnown: this.alwaysKnown.size, ms: Date.now() - startedAt },
        'symbol lists unavailable: only configured symbols are known until they load; retrying in the background',
      );
    }
  }

  private newEntry(adapter: ExchangeAdapter, source: SymbolListSource, restBaseUrl: string): ListEntry {
    let settle = () => {};
    const settled = new Promise<void>((resolve) => (settle = resolve));
    return {
      exchange: adapter.id,
      source,
      adapter,
      restBaseUrl,
      log: this.log.child({ exchange: adapter.id }),
      backoff: new FullJitterBackoff({
        baseMs: this.options.retryBaseMs,
        maxMs: this.options.retryMaxMs,
        ...(this.options.random === undefined ? {} : { random: this.options.random }),
      }),
      symbols: undefined,
      loadedAt: undefined,
      error: undefined,
      failures: 0,
      nextAttemptAt: undefined,
      timer: undefined,
      abort: undefined,
      inFlight: undefined,
      settled,
      settle,
    };
  }

  private runAttempt(entry: ListEntry): void {
    entry.timer = undefined;
    entry.nextAttemptAt = undefined;
    entry.inFlight = this.attempt(entry).finally(() => (entry.inFlight = undefined));
  }

  private schedule(entry: ListEntry, delayMs: number): void {
    clearTimeout(entry.timer);
    if (!this.running) return;
    const boundedMs = Math.min(delayMs, MAX_TIMER_MS);
    entry.nextAttemptAt = Date.now() + boundedMs;
    entry.timer = setTimeout(() => this.runAttempt(entry), boundedMs);
  }

  /** One fetch of the whole list; never rejects. */
  private async attempt(entry: ListEntry): Promise<void> {
    const startedAt = Date.now();
    try {
      const symbols = await this.fetchList(entry);
      if (!this.running) return;
      if (symbols.size === 0) {
        // No exchange lists nothing: a maintenance window or a filter gone wrong. Keep what we had.
        throw new SymbolCatalogError(
          SymbolCatalogErrorCode.Empty,
          `${entry.exchange} listed no tradable symbol; keeping the previous list`,
        );
      }
      const previous = entry.symbols?.size;
      entry.symbols = symbols;
      entry.loadedAt = Date.now();
      entry.error = undefined;
      entry.failures = 0;
      entry.backoff.reset();
      this.recount();
      entry.log.info({ count: symbols.size, previous, ms: entry.loadedAt - startedAt }, 'symbol list loaded');
      this.schedule(entry, this.options.refreshMs);
      entry.settle();
      this.notify();
    } catch (error) {
      if (!this.running) return;
      this.failed(entry, error);
    }
  }

  /** Records a failed attempt and schedules the next one. */
  private failed(entry: ListEntry, error: unknown): void {
    entry.failures += 1;
    const code = errorCode(error);
    const message = error instanceof Error ? error.message : String(error);
    const changed = entry.error?.code !== code || entry.error.message !== message;
    entry.error = { code, message, at: Date.now() };
    const retryAt = error instanceof SymbolCatalogError ? error.retryAt : undefined;
    // The exchange's own wait wins over a shorter jittered one: asking sooner risks a ban.
    const delayMs = Math.max(entry.backoff.next(), (retryAt ?? 0) - Date.now());
    const fields = {
      code,
      err: message,
      failures: entry.failures,
      retryInMs: delayMs,
      keptCount: entry.symbols?.size,
    };
    if (code === SymbolCatalogErrorCode.RateLimited)
      entry.log.warn(fields, 'symbol list rate-limited; backing off');
    else if (entry.symbols === undefined) entry.log.warn(fields, 'symbol list unavailable; retrying');
    else entry.log.warn(fields, 'symbol list refresh failed; keeping the previous list');
    this.schedule(entry, delayMs);
    if (entry.failures >= this.options.startAttempts) entry.settle();
    if (changed) this.notify();
  }

  /** Every request of the exchange's list, one after the other (kind to per-minute budgets). */
  private async fetchList(entry: ListEntry): Promise<Map<string, string>> {
    const symbols = new Map<string, string>();
    const abort = new AbortController();
    entry.abort = abort;
    try {
      const pending = [...entry.source.requests(entry.restBaseUrl)];
      for (let request = pending.shift(); request !== undefined; request = pending.shift()) {
        const answer = await this.options.rest
          .request({
            venue: entry.exchange,
            caller: CALLER,
            url: request.url,
            headers: request.headers,
            weight: entry.source.requestWeight,
            timeoutMs: this.options.timeoutMs,
            maxBodyBytes: this.options.maxBodyBytes,
            // The catalog retries on its own, slower schedule.
            maxAttempts: 1,
            signal: abort.signal,
          })
          .catch((error: unknown) => {
            throw symbolListError(error);
          });
        for (const { symbol, name } of entry.source.parse(request, answer.bodyText))
          symbols.set(symbol, name);
        // A paged list (Massive's next_url): the next page joins the queue.
        const next = entry.source.nextPage?.(request, answer.bodyText, entry.restBaseUrl);
        if (next !== undefined) pending.push(next);
      }
      return symbols;
    } finally {
      if (entry.abort === abort) entry.abort = undefined;
    }
  }

  /** Distinct symbols known: lists are disjoint (each exchange has its own namespace). */
  private recount(): void {
    let count = 0;
    for (const entry of this.entries.values()) count += entry.symbols?.size ?? 0;
    for (const symbol of this.alwaysKnown) {
      const exchange = fromCanonicalSymbol(symbol)?.exchange;
      const listed = exchange !== undefined && this.entries.get(exchange)?.symbols?.has(symbol) === true;
      if (!listed) count += 1;
    }
    this.knownCount = count;
  }

  private notify(): void {
    const onChange = this.options.onChange;
    if (onChange === undefined) return;
    try {
      onChange(this.state());
    } catch (error) {
      // A listener's bug must not stop the refresh loop.
      this.log.error({ err: (error as Error).message }, 'symbol catalog onChange listener threw');
    }
  }

  private checkNumbers(): string[] {
    const problems: string[] = [];
    const check = (name: DefaultedOption, min: number) => {
      const value = this.options[name];
      if (!Number.isSafeInteger(value) || value < min) {
        problems.push(`${name} must be an integer of at least ${min}, got ${String(value)}`);
      }
    };
    check('refreshMs', 1);
    check('timeoutMs', 1);
    check('startTimeoutMs', 0);
    check('startAttempts', 1);
    check('retryBaseMs', 1);
    check('retryMaxMs', 1);
    check('maxBodyBytes', 1);
    if (this.options.retryMaxMs < this.options.retryBaseMs) {
      problems.push(
        `retryMaxMs (${this.options.retryMaxMs}) must not be below retryBaseMs (${this.options.retryBaseMs})`,
      );
    }
    return problems;
  }
}

/** The stable code of a failure: ours, the adapter's (`BINANCE_MALFORMED_REST_BODY`...), or a generic one. */
function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'SYMBOL_LIST_FAILED';
}
