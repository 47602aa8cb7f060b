/**
 * REST polling while the exchange WebSocket is down (DESIGN.md "Upstream"): one request for all
 * symbols where the exchange allows it, else one per symbol, through the process's REST client,
 * which spends the exchange's budget shared with the symbol catalog, times out, retries, and holds
 * requests after a 429 or a ban. The poller follows those holds: it polls again when the exchange
 * takes requests again, not before. Tickers it yields carry `source: 'rest'`.
 */
import type { TickerUpdate } from '@tickwire/core';
import type { ExchangeAdapter, RestTickerRequest } from '@tickwire/exchanges';
import type { Logger } from '@tickwire/observability';
import { RestClientError, RestClientErrorCode, isVenueHold, type RestClient } from '@tickwire/service';

/** `refused`: the exchange said this account's plan has no REST tickers; no more polls. */
export type RestFallbackState = 'idle' | 'polling' | 'rate-limited' | 'banned' | 'refused';

export interface RestFallbackStatus {
  state: RestFallbackState;
  /** When the last successful poll answered (ms), if any did. */
  lastSuccessAt: number | undefined;
  /** Until when polls are held back after a 429, a ban or a spent budget (ms), if they are. */
  pausedUntil: number | undefined;
  /** Weight used in the exchange's weight window (counted and reported), and the window's limit. */
  usedWeight: number | undefined;
  weightLimit: number | undefined;
  /** The exchange's words when it refused this plan the REST tickers (state `refused`). */
  refusal?: string;
}

export interface RestFallbackOptions {
  adapter: ExchangeAdapter;
  restBaseUrl: string;
  /** The process's REST client, which knows the exchange as a venue. */
  rest: RestClient;
  /** The symbols to poll right now (those whose WebSocket is not open); read at every poll. */
  symbols(): readonly string[];
  /** Interval between polls (ms). */
  pollMs: number;
  logger: Logger;
  onUpdates(updates: TickerUpdate[]): void;
  onStatus?(status: RestFallbackStatus): void;
}

/** Who the fallback is, in the REST client's logs and metrics. */
const CALLER = 'rest-fallback';

export class RestFallback {
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private abort: AbortController | undefined;
  private state: RestFallbackState = 'idle';
  private pausedUntil = 0;
  private lastSuccessAt: number | undefined;
  private refusal: string | undefined;
  /** Where the next per-symbol poll starts, so a budget smaller than the list still covers it. */
  private cursor = 0;
  private readonly log: Logger;
  private readonly exchange: string;

  constructor(private readonly options: RestFallbackOptions) {
    this.log = options.logger;
    this.exchange = options.adapter.id;
  }

  /** Starts polling at once, then every `pollMs`; idempotent. */
  start(): void {
    if (this.running || this.refusal !== undefined) return;
    this.running = true;
    this.setState(this.pausedUntil > Date.now() ? this.state : 'polling');
    this.log.warn({ pollMs: this.options.pollMs }, 'exchange WebSocket down: polling REST');
    this.schedule(0);
  }

  /**
   * Stops polling (the WebSocket is back). A request in flight runs to its answer: its prices
   * are dropped, but what it says of the account (a plan refusal, a rate-limit hold) is kept, so
   * the next start does not ask again (a free Massive key's socket opens and is refused within
   * the first poll; aborting it lost the 403 the exchange had already counted).
   */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    clearTimeout(this.timer);
    if (this.state === 'polling') this.setState('idle');
    this.log.info({}, 'REST fallback stopped');
  }

  /** Stops for good (the pod is stopping): a request in flight is abandoned. */
  close(): void {
    this.stop();
    this.abort?.abort(new Error('REST fallback closed'));
  }

  status(): RestFallbackStatus {
    const weightWindowMs = this.options.adapter.restWeights?.windowMs;
    const window = this.options.rest
      .venueStatus(this.exchange)
      ?.windows.find((candidate) => candidate.windowMs === weightWindowMs);
    return {
      state: this.state,
      lastSuccessAt: this.lastSuccessAt,
      pausedUntil: this.pausedUntil > Date.now() ? this.pausedUntil : undefined,
      usedWeight: window?.used,
      weightLimit: window?.limit,
      ...(this.refusal !== undefined && { refusal: this.refusal }),
    };
  }

  /** One poll; concurrent callers share the poll in flight. */
  poll(): Promise<void> {
    this.inFlight ??= this.pollOnce().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    if (!this.running) return;
    this.timer = setTimeout(() => {
      void this.poll().then(() => this.schedule(this.nextDelayMs()));
    }, delayMs);
  }

  /** The poll interval, stretched to the end of a hold. */
  private nextDelayMs(): number {
    const now = Date.now();
    if (this.pausedUntil > now) return this.pausedUntil - now;
    return this.options.pollMs;
  }

  private async pollOnce(): Promise<void> {
    if (this.pausedUntil > Date.now()) return;
    if (this.state === 'rate-limited' || this.state === 'banned') this.setState('polling');
    const symbols = this.options.symbols();
    if (symbols.length === 0) return;
    const { adapter, restBaseUrl } = this.options;
    const abort = new AbortController();
    this.abort = abort;
    if (adapter.restTickerRequests) {
      await this.pollEachSymbol(adapter.restTickerRequests(restBaseUrl, symbols), abort.signal);
    } else {
      await this.fetchTickers(
        {
          url: adapter.restTickersUrl(restBaseUrl, symbols),
          headers: {},
          symbols,
          weight: adapter.restWeights?.requestWeight(symbols.length) ?? 1,
        },
        abort.signal,
      );
    }
    this.options.onStatus?.(this.status());
  }

  /**
   * Exchanges whose REST answers one symbol per request (Finnhub quote, Coinbase product
   * ticker): as many requests as the budget allows this poll, continuing next poll where this
   * one stopped.
   */
  private async pollEachSymbol(requests: readonly RestTickerRequest[], signal: AbortSignal): Promise<void> {
    const count = requests.length;
    let sent = 0;
    for (; sent < count && this.running; sent++) {
      const request = requests[(this.cursor + sent) % count]!;
      if (!(await this.fetchTickers({ ...request, weight: 1 }, signal))) break;
    }
    this.cursor = count === 0 ? 0 : (this.cursor + sent) % count;
  }

  /** One request; false when the exchange holds further requests back (the poll should end). */
  private async fetchTickers(
    request: RestTickerRequest & { weight: number },
    signal: AbortSignal,
  ): Promise<boolean> {
    const { adapter } = this.options;
    try {
      const answer = await this.options.rest.request({
        venue: this.exchange,
        caller: CALLER,
        url: request.url,
        headers: request.headers,
        weight: request.weight,
        signal,
      });
      const parsed = adapter.parseRestTickerResponse
        ? adapter.parseRestTickerResponse(request, answer.bodyText, answer.receivedAt)
        : adapter.parseRestTickers(JSON.parse(answer.bodyText), answer.receivedAt);
      const updates = parsed.map((update) => ({ ...update, source: 'rest' as const }));
      this.lastSuccessAt = Date.now();
      if (this.running && updates.length > 0) this.options.onUpdates(updates);
      return true;
    } catch (error) {
      const refusal =
        error instanceof RestClientError && error.status !== undefined
          ? adapter.restTickerRefusal?.(error.status, error.bodyText ?? '')
          : undefined;
      if (refusal !== undefined) {
        this.refusal = refusal;
        this.log.error({ refusal }, 'the exchange refuses this plan its REST tickers: REST fallback off');
        this.running = false;
        clearTimeout(this.timer);
        this.setState('refused');
        return false;
      }
      if (isVenueHold(error)) {
        this.pausedUntil = Math.max(this.pausedUntil, error.retryAt);
        if (error.code === RestClientErrorCode.Banned) this.setState('banned');
        else if (error.code === RestClientErrorCode.RateLimited) this.setState('rate-limited');
        return false;
      }
      if (!this.running) return false;
      this.log.warn({ err: (error as Error).message, symbols: request.symbols }, 'REST poll failed');
      return true;
    }
  }

  private setState(state: RestFallbackState): void {
    if (state === this.state) return;
    this.state = state;
    this.options.onStatus?.(this.status());
  }
}
