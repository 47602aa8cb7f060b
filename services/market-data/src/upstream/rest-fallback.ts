/**
 * REST polling while the exchange WebSocket is down (DESIGN.md "Upstream"): one request for all
 * symbols, single-flight, a 5 s timeout, retries with backoff, and a weight budget driven by
 * the exchange's own numbers (the limit from exchangeInfo, the used weight from every
 * response's headers). A 429 is honoured with Retry-After to the second; a 418 is a ban: the
 * fallback stops until it lifts, loudly. Tickers it yields carry `source: 'rest'`.
 */
import type { TickerUpdate } from '@tickwire/core';
import type { ExchangeAdapter, RestResponseHeaders } from '@tickwire/exchanges';
import type { Logger } from '@tickwire/observability';
import type { PodMetrics } from '../metrics';
import { FullJitterBackoff } from './backoff';
import { RequestBudget } from './request-budget';

export type RestFallbackState = 'idle' | 'polling' | 'rate-limited' | 'banned';

export interface RestFallbackStatus {
  state: RestFallbackState;
  /** When the last successful poll answered (ms), if any did. */
  lastSuccessAt: number | undefined;
  /** Until when requests are held back after a 429 or 418 (ms), if they are. */
  pausedUntil: number | undefined;
  /** Weight used in the current window as the exchange last reported it, and the limit. */
  usedWeight: number | undefined;
  weightLimit: number | undefined;
}

export interface RestFallbackOptions {
  adapter: ExchangeAdapter;
  restBaseUrl: string;
  /** The symbols to poll right now (those whose WebSocket is not open); read at every poll. */
  symbols(): readonly string[];
  /** Interval between polls (ms). */
  pollMs: number;
  logger: Logger;
  metrics: PodMetrics;
  onUpdates(updates: TickerUpdate[]): void;
  onStatus?(status: RestFallbackStatus): void;
  fetch?: typeof fetch;
}

/** One request gets this long to answer (ms). */
export const REST_TIMEOUT_MS = 5_000;
/** Attempts per poll for network errors, timeouts and 5xx, with backoff between them. */
const MAX_ATTEMPTS_PER_POLL = 3;
const RETRY_BACKOFF = { baseMs: 200, maxMs: 2_000 };
/**
 * Share of the exchange's weight budget the fallback may use: the budget is per IP, and other
 * software on the same host (or the next restart of this pod) needs room too.
 */
export const REST_WEIGHT_BUDGET_SHARE = 0.5;

class RestStatusError extends Error {
  constructor(
    readonly status: number,
    readonly headers: RestResponseHeaders,
  ) {
    super(`HTTP ${status}`);
  }
}

export class RestFallback {
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private abort: AbortController | undefined;
  private state: RestFallbackState = 'idle';
  private pausedUntil = 0;
  private lastSuccessAt: number | undefined;
  private usedWeight: number | undefined;
  private usedWeightWindow = -1;
  private weightLimit: number | undefined;
  private readonly fetchImpl: typeof fetch;
  /** For exchanges that budget requests by count (one request per symbol). */
  private readonly requestBudget: RequestBudget | undefined;
  /** Where the next per-symbol poll starts, so a budget smaller than the list still covers it. */
  private cursor = 0;
  private readonly log: Logger;
  private readonly exchange: string;

  constructor(private readonly options: RestFallbackOptions) {
    this.fetchImpl = options.fetch ?? fetch;
    this.log = options.logger;
    this.exchange = options.adapter.id;
    this.weightLimit = options.adapter.restWeights?.limitPerWindow;
    const limits = options.adapter.limits.restRateLimits;
    this.requestBudget = limits ? new RequestBudget(limits, REST_WEIGHT_BUDGET_SHARE) : undefined;
  }

  /** Starts polling at once, then every `pollMs`; idempotent. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.setState(this.pausedUntil > Date.now() ? this.state : 'polling');
    this.log.warn({ pollMs: this.options.pollMs }, 'exchange WebSocket down: polling REST');
    this.schedule(0);
  }

  /** Stops polling (the WebSocket is back); a request in flight is abandoned. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    clearTimeout(this.timer);
    this.abort?.abort();
    if (this.state === 'polling') this.setState('idle');
    this.log.info({}, 'REST fallback stopped');
  }

  status(): RestFallbackStatus {
    return {
      state: this.state,
      lastSuccessAt: this.lastSuccessAt,
      pausedUntil: this.pausedUntil > Date.now() ? this.pausedUntil : undefined,
      usedWeight: this.currentUsedWeight(),
      weightLimit: this.weightLimit,
    };
  }

  /** One poll; concurrent callers share the request in flight (single-flight). */
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

  /** The poll interval, stretched when the remaining budget or a pause requires it. */
  private nextDelayMs(): number {
    const now = Date.now();
    if (this.pausedUntil > now) return this.pausedUntil - now;
    return this.options.pollMs;
  }

  private async pollOnce(): Promise<void> {
    const now = Date.now();
    if (this.pausedUntil > now) return;
    if (this.state === 'rate-limited' || this.state === 'banned') this.setState('polling');
    const symbols = this.options.symbols();
    if (symbols.length === 0) return;
    if (this.options.adapter.restTickerRequests) return this.pollEachSymbol(symbols);
    await this.learnLimit(symbols);
    if (this.pausedUntil > Date.now()) return;
    const weights = this.options.adapter.restWeights;
    const requestWeight = weights?.requestWeight(symbols.length) ?? 0;
    const limit = this.weightLimit;
    if (weights && limit !== undefined) {
      const budget = limit * REST_WEIGHT_BUDGET_SHARE;
      const used = this.currentUsedWeight() ?? 0;
      if (used + requestWeight > budget) {
        // Skip until the exchange's window rolls over rather than spend the IP's whole budget.
        this.options.metrics.restRequests.inc({ exchange: this.exchange, outcome: 'budget-skip' });
        this.pausedUntil = (Math.floor(now / weights.windowMs) + 1) * weights.windowMs;
        this.log.warn(
          { used, requestWeight, budget },
          'REST weight budget spent; waiting for the next window',
        );
        return;
      }
    }
    const backoff = new FullJitterBackoff(RETRY_BACKOFF);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS_PER_POLL && this.running; attempt++) {
      try {
        const body = await this.request(
          this.options.adapter.restTickersUrl(this.options.restBaseUrl, symbols),
        );
        const updates = this.options.adapter
          .parseRestTickers(body, Date.now())
          .map((update) => ({ ...update, source: 'rest' as const }));
        this.lastSuccessAt = Date.now();
        this.options.metrics.restRequests.inc({ exchange: this.exchange, outcome: 'ok' });
        if (this.running && updates.length > 0) this.options.onUpdates(updates);
        this.options.onStatus?.(this.status());
        return;
      } catch (error) {
        if (error instanceof RestStatusError && this.refused(error)) return;
        this.options.metrics.restRequests.inc({ exchange: this.exchange, outcome: 'error' });
        this.log.warn({ err: (error as Error).message, attempt }, 'REST poll failed');
        if (attempt < MAX_ATTEMPTS_PER_POLL) await sleep(backoff.next());
      }
    }
  }

  /**
   * Exchanges whose REST answers one symbol per request (Finnhub quote, Coinbase product
   * ticker): as many requests as the budget's share allows this poll, continuing next poll
   * where this one stopped. A refusal (429) ends the poll and pauses as the exchange says.
   */
  private async pollEachSymbol(symbols: readonly string[]): Promise<void> {
    const { adapter, restBaseUrl } = this.options;
    const requests = adapter.restTickerRequests!(restBaseUrl, symbols);
    const count = requests.length;
    let sent = 0;
    for (; sent < count && this.running; sent++) {
      if (this.requestBudget && !this.requestBudget.take()) {
        this.options.metrics.restRequests.inc({ exchange: this.exchange, outcome: 'budget-skip' });
        break;
      }
      const request = requests[(this.cursor + sent) % count]!;
      try {
        const text = await this.requestText(request.url, request.headers);
        const updates = adapter.parseRestTickerResponse!(request, text, Date.now()).map((update) => ({
          ...update,
          source: 'rest' as const,
        }));
        this.lastSuccessAt = Date.now();
        this.options.metrics.restRequests.inc({ exchange: this.exchange, outcome: 'ok' });
        if (this.running && updates.length > 0) this.options.onUpdates(updates);
      } catch (error) {
        if (error instanceof RestStatusError && this.refused(error)) {
          sent += 1;
          break;
        }
        this.options.metrics.restRequests.inc({ exchange: this.exchange, outcome: 'error' });
        this.log.warn({ err: (error as Error).message, symbols: request.symbols }, 'REST poll failed');
      }
    }
    this.cursor = count === 0 ? 0 : (this.cursor + sent) % count;
    this.options.onStatus?.(this.status());
  }

  /** Handles 429 and 418 (true); other statuses are ordinary failures (false). */
  private refused(error: RestStatusError): boolean {
    const waitMs = this.options.adapter.restRetryDelayMs?.(error.status, error.headers, Date.now());
    if (waitMs === undefined) return false;
    this.pausedUntil = Date.now() + waitMs;
    if (error.status === 418) {
      this.options.metrics.restRequests.inc({ exchange: this.exchange, outcome: 'banned' });
      this.setState('banned');
      this.log.error(
        { retryAfterMs: waitMs, until: new Date(this.pausedUntil).toISOString() },
        'EXCHANGE BANNED THIS IP (HTTP 418): no REST requests until the ban lifts',
      );
    } else {
      this.options.metrics.restRequests.inc({ exchange: this.exchange, outcome: 'rate-limited' });
      this.setState('rate-limited');
      this.log.warn(
        { status: error.status, retryAfterMs: waitMs },
        'exchange rate-limited REST polling; backing off',
      );
    }
    return true;
  }

  /** Reads the live weight limit once (exchangeInfo); keeps the adapter's default on failure. */
  private async learnLimit(symbols: readonly string[]): Promise<void> {
    const weights = this.options.adapter.restWeights;
    if (!weights || this.limitLearned) return;
    this.limitLearned = true;
    try {
      const limit = weights.parseLimit(
        await this.request(weights.limitUrl(this.options.restBaseUrl, symbols)),
      );
      if (limit !== undefined && limit > 0) this.weightLimit = limit;
    } catch (error) {
      if (error instanceof RestStatusError) this.refused(error);
      this.log.warn(
        { err: (error as Error).message },
        'could not read the REST weight limit; using the default',
      );
    }
  }

  private limitLearned = false;

  private async request(url: string): Promise<unknown> {
    return JSON.parse(await this.requestText(url, {})) as unknown;
  }

  private async requestText(url: string, headers: Readonly<Record<string, string>>): Promise<string> {
    const abort = new AbortController();
    this.abort = abort;
    const timer = setTimeout(
      () => abort.abort(new Error(`no answer within ${REST_TIMEOUT_MS} ms`)),
      REST_TIMEOUT_MS,
    );
    try {
      const response = await this.fetchImpl(url, {
        signal: abort.signal,
        headers: { Accept: 'application/json', ...headers },
      });
      const responseHeaders = Object.fromEntries(response.headers.entries());
      this.recordWeight(responseHeaders);
      if (!response.ok) {
        await response.body?.cancel();
        throw new RestStatusError(response.status, responseHeaders);
      }
      return await response.text();
    } finally {
      clearTimeout(timer);
    }
  }

  private recordWeight(headers: RestResponseHeaders): void {
    const weights = this.options.adapter.restWeights;
    const used = weights?.usedWeight(headers);
    if (!weights || used === undefined) return;
    this.usedWeight = used;
    this.usedWeightWindow = Math.floor(Date.now() / weights.windowMs);
    this.options.metrics.restUsedWeight.set({ exchange: this.exchange }, used);
  }

  /** The last reported weight, if it belongs to the current window (windows reset it). */
  private currentUsedWeight(): number | undefined {
    const weights = this.options.adapter.restWeights;
    if (!weights || this.usedWeight === undefined) return undefined;
    return Math.floor(Date.now() / weights.windowMs) === this.usedWeightWindow ? this.usedWeight : 0;
  }

  private setState(state: RestFallbackState): void {
    if (state === this.state) return;
    this.state = state;
    this.options.onStatus?.(this.status());
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
