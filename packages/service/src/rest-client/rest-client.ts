/**
 * The one REST client of a process. Every call names its venue, and every venue has one budget
 * shared by all callers: weights are counted before a request is sent, raised to what the venue
 * reports in its headers, and the limits themselves are read from the venue when it states them.
 * A 429 holds the venue exactly as long as the venue says (`Retry-After`); a ban (Binance's 418)
 * holds it until the ban lifts, loudly. Transient failures (network, timeout, 5xx) are retried
 * with full-jitter backoff inside the budget. Identical requests in flight are sent once and
 * their answer shared. Nothing here knows a venue: each comes as a {@link RestVenue}.
 */
import { FullJitterBackoff } from '@tickwire/core';
import type { Logger } from '@tickwire/observability';
import { HttpExchangeError, httpExchange, safeUrl, type HttpAnswer } from './http-exchange';
import { RestClientError, RestClientErrorCode } from './rest-client-errors';
import { RestOutcome, type RestClientMetrics } from './rest-client-metrics';
import type { RestHeaders, RestVenue } from './rest-venue';
import { httpRefusal } from './retry-after';
import { SingleFlight } from './single-flight';
import { VenueBudget, type BudgetRefusal, type VenueStatus } from './venue-budget';

export interface RestClientOptions {
  /** The venues calls may name; more with {@link RestClient.addVenue}. */
  venues: readonly RestVenue[];
  logger: Logger;
  /** From {@link createRestClientMetrics} on the process registry; absent: nothing is counted. */
  metrics?: RestClientMetrics;
  /** One attempt, headers and body, gets this long (ms). Default 5 s. */
  timeoutMs: number;
  /** Attempts per call for network errors, timeouts and 5xx. Default 3. */
  maxAttempts: number;
  /** Backoff between attempts: the first delay's ceiling, doubling up to `retryMaxMs` (ms). */
  retryBaseMs: number;
  retryMaxMs: number;
  /** A 2xx body beyond this many bytes is refused. Default 8 MiB. */
  maxBodyBytes: number;
  /** How long a 429 without `Retry-After` holds the venue (ms). Default one minute. */
  rateLimitWaitMs: number;
  fetch?: typeof fetch;
  /** Jitter source of the backoff, for tests. */
  random?: () => number;
}

type DefaultedOption =
  'venues' | 'timeoutMs' | 'maxAttempts' | 'retryBaseMs' | 'retryMaxMs' | 'maxBodyBytes' | 'rateLimitWaitMs';

export const DEFAULT_REST_CLIENT_OPTIONS: Readonly<Pick<RestClientOptions, DefaultedOption>> = Object.freeze({
  venues: [],
  timeoutMs: 5_000,
  maxAttempts: 3,
  retryBaseMs: 200,
  retryMaxMs: 2_000,
  maxBodyBytes: 8 * 1024 * 1024,
  rateLimitWaitMs: 60_000,
});

/** One call: by default a GET. */
export interface RestCall {
  venue: string;
  /** Who calls, for logs and metrics (`rest-fallback`, `symbol-catalog`). */
  caller: string;
  url: string;
  method?: string;
  headers?: Readonly<Record<string, string>>;
  body?: string;
  /** What the request costs against the venue's windows. Default 1. */
  weight?: number;
  /** Aborts the call; the request itself is aborted once no caller waits for it any more. */
  signal?: AbortSignal;
  timeoutMs?: number;
  maxBodyBytes?: number;
  /** Attempts for transient failures; 1 for callers that retry on their own schedule. */
  maxAttempts?: number;
  /**
   * Calls with the same key (per venue) share one request in flight. Default: a GET or HEAD
   * is keyed by its URL and headers; other methods (a webhook POST) are never shared. `null`:
   * never share.
   */
  singleFlightKey?: string | null;
}

/** A 2xx answer. */
export interface RestAnswer extends HttpAnswer {
  /** When the answer was read whole (ms since the epoch). */
  receivedAt: number;
}

/** The outcome of one attempt: an answer, or an error and whether trying again may help. */
type Attempt = { answer: RestAnswer } | { error: RestClientError; transient: boolean };

interface LimitState {
  learned: boolean;
  /** A failed read of the limits is tried again from then on (ms since the epoch). */
  retryAt: number;
}

const HTTP_REQUEST_TIMEOUT = 408;
const HTTP_SERVER_ERRORS_FROM = 500;

export class RestClient {
  private readonly options: RestClientOptions;
  private readonly budgets = new Map<string, VenueBudget>();
  private readonly limits = new Map<string, LimitState>();
  private readonly flights = new SingleFlight<RestAnswer>();
  private readonly limitReads = new SingleFlight<void>();
  private readonly fetchImpl: typeof fetch;
  private readonly log: Logger;
  /** Per venue, the end of the budget wait last logged, so a spent window is logged once. */
  private readonly loggedBudgetWaits = new Map<string, number>();

  /** Throws a TypeError naming the venue for a venue given twice or a share out of range. */
  constructor(options: Pick<RestClientOptions, 'logger'> & Partial<RestClientOptions>) {
    this.options = { ...DEFAULT_REST_CLIENT_OPTIONS, ...options };
    this.fetchImpl = options.fetch ?? fetch;
    this.log = options.logger.child({ component: 'rest-client' });
    for (const venue of this.options.venues) this.addVenue(venue);
  }

  /** Adds a venue; the same name twice is refused (two budgets for one venue would each spend it all). */
  addVenue(venue: RestVenue): void {
    if (this.budgets.has(venue.name)) throw new TypeError(`REST venue ${venue.name} is given twice`);
    const share = venue.share ?? 1;
    if (!(share > 0 && share <= 1)) {
      throw new TypeError(`REST venue ${venue.name}: share must be in (0, 1], got ${share}`);
    }
    this.budgets.set(venue.name, new VenueBudget(venue));
  }

  /** The venue's hold and windows now; undefined for a venue the client was not given. */
  venueStatus(venue: string): VenueStatus | undefined {
    return this.budgets.get(venue)?.status(Date.now());
  }

  /**
   * Sends `call` within its venue's budget and resolves with a 2xx answer. Rejects with
   * {@link RestClientError} (its `retryAt` says when the venue takes requests again after a
   * refusal or a spent budget), or with the reason of `call.signal` when the caller aborts.
   */
  request(call: RestCall): Promise<RestAnswer> {
    const budget = this.budgets.get(call.venue);
    if (budget === undefined) {
      return Promise.reject(
        new RestClientError(
          RestClientErrorCode.UnknownVenue,
          `no REST venue ${call.venue}: give it to the client (venues or addVenue) before calling it`,
          { venue: call.venue },
        ),
      );
    }
    const key = singleFlightKey(call);
    if (key === null) {
      const own = new AbortController();
      return this.send(budget, call, call.signal ?? own.signal);
    }
    const { result, joined } = this.flights.run(`${call.venue}\n${key}`, call.signal, (signal) =>
      this.send(budget, call, signal),
    );
    if (joined) this.count(call, RestOutcome.Shared);
    return result;
  }

  private async send(budget: VenueBudget, call: RestCall, signal: AbortSignal): Promise<RestAnswer> {
    const statesLimits = budget.venue.limitSource?.states(call.url) === true;
    if (!statesLimits) await this.learnLimits(budget, signal);
    const maxAttempts = Math.max(1, call.maxAttempts ?? this.options.maxAttempts);
    const backoff = new FullJitterBackoff({
      baseMs: this.options.retryBaseMs,
      maxMs: this.options.retryMaxMs,
      ...(this.options.random === undefined ? {} : { random: this.options.random }),
    });
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(budget, call, signal);
      if ('answer' in outcome) {
        if (statesLimits) this.learnFrom(budget, outcome.answer.bodyText);
        return outcome.answer;
      }
      if (!outcome.transient || attempt >= maxAttempts) throw outcome.error;
      const delayMs = backoff.next();
      this.log.warn(
        {
          venue: call.venue,
          caller: call.caller,
          code: outcome.error.code,
          err: outcome.error.message,
          attempt,
          retryInMs: delayMs,
        },
        'REST request failed; retrying',
      );
      await sleep(delayMs, signal);
    }
  }

  /** Sends once, if the venue and its budget allow it. */
  private async attempt(budget: VenueBudget, call: RestCall, signal: AbortSignal): Promise<Attempt> {
    const { venue } = budget;
    const weight = call.weight ?? 1;
    const refused = budget.take(weight, Date.now());
    if (refused !== undefined)
      return { error: this.refusedBeforeSending(budget, call, weight, refused), transient: false };
    this.reportUsage(budget);
    const timeoutMs = call.timeoutMs ?? this.options.timeoutMs;
    const maxBodyBytes = call.maxBodyBytes ?? this.options.maxBodyBytes;
    const url = safeUrl(call.url);
    const endTimer = this.options.metrics?.duration.startTimer({ venue: venue.name });
    let answer: HttpAnswer;
    try {
      answer = await httpExchange(
        {
          url: call.url,
          method: call.method ?? 'GET',
          headers: { accept: 'application/json', ...call.headers },
          ...(call.body === undefined ? {} : { body: call.body }),
        },
        { fetch: this.fetchImpl, timeoutMs, maxBodyBytes, signal },
      );
    } catch (error) {
      if (!(error instanceof HttpExchangeError)) throw error;
      const { failure } = error;
      if (failure.kind === 'too-large') {
        this.report(budget, failure.headers);
        this.count(call, RestOutcome.TooLarge);
        return {
          error: new RestClientError(
            RestClientErrorCode.BodyTooLarge,
            `the answer to ${url} is over ${maxBodyBytes} bytes: raise the body limit if it really is that long`,
            { venue: venue.name, status: failure.status, headers: failure.headers },
          ),
          transient: false,
        };
      }
      if (failure.kind === 'timeout') {
        this.count(call, RestOutcome.Timeout);
        return {
          error: new RestClientError(
            RestClientErrorCode.Timeout,
            `no complete answer from ${url} within ${timeoutMs} ms`,
            { venue: venue.name },
          ),
          transient: true,
        };
      }
      this.count(call, RestOutcome.Network);
      return {
        error: new RestClientError(
          RestClientErrorCode.Network,
          `cannot reach ${url}: ${failure.cause}; check the base URL and the network`,
          { venue: venue.name },
        ),
        transient: true,
      };
    } finally {
      endTimer?.();
    }
    const receivedAt = Date.now();
    this.report(budget, answer.headers);
    if (answer.status >= 200 && answer.status <= 299) {
      this.count(call, RestOutcome.Ok);
      return { answer: { ...answer, receivedAt } };
    }
    const refusal =
      venue.refusal?.(answer.status, answer.headers, receivedAt) ??
      httpRefusal(answer.status, answer.headers, receivedAt, this.options.rateLimitWaitMs);
    const body = answer.bodyText.trim() === '' ? '' : `: ${answer.bodyText.trim().slice(0, 200)}`;
    const details = {
      venue: venue.name,
      status: answer.status,
      bodyText: answer.bodyText,
      headers: answer.headers,
    };
    if (refusal !== undefined) {
      const retryAt = budget.hold(refusal, receivedAt);
      const until = new Date(retryAt).toISOString();
      const fields = {
        venue: venue.name,
        caller: call.caller,
        status: answer.status,
        waitMs: refusal.waitMs,
        until,
      };
      if (refusal.ban) {
        this.count(call, RestOutcome.Banned);
        this.log.error(
          fields,
          `${venue.name} BANNED THIS CLIENT (HTTP ${answer.status}): no request until the ban lifts`,
        );
      } else {
        this.count(call, RestOutcome.RateLimited);
        this.log.warn(fields, `${venue.name} rate-limited this client; holding its requests as it asked`);
      }
      return {
        error: new RestClientError(
          refusal.ban ? RestClientErrorCode.Banned : RestClientErrorCode.RateLimited,
          `${venue.name} answered HTTP ${answer.status} to ${url}${body}; no request to ${venue.name} before ${until}`,
          { ...details, retryAt },
        ),
        transient: false,
      };
    }
    this.count(call, RestOutcome.HttpError);
    return {
      error: new RestClientError(
        RestClientErrorCode.HttpStatus,
        `${venue.name} answered HTTP ${answer.status} to ${url}${body}`,
        details,
      ),
      transient: answer.status === HTTP_REQUEST_TIMEOUT || answer.status >= HTTP_SERVER_ERRORS_FROM,
    };
  }

  private refusedBeforeSending(
    budget: VenueBudget,
    call: RestCall,
    weight: number,
    refused: BudgetRefusal,
  ): RestClientError {
    const name = budget.venue.name;
    const until = new Date(refused.retryAt).toISOString();
    const details = { venue: name, retryAt: refused.retryAt };
    if (refused.reason !== 'budget') {
      this.count(call, RestOutcome.Held);
      return new RestClientError(
        refused.reason === 'banned' ? RestClientErrorCode.Banned : RestClientErrorCode.RateLimited,
        `${name} ${refused.reason === 'banned' ? 'banned this client' : 'rate-limited this client'}: no request before ${until}`,
        details,
      );
    }
    this.count(call, RestOutcome.BudgetExhausted);
    const tooHeavy = budget.exceedsBudget(weight);
    const message = tooHeavy
      ? `a ${name} request of weight ${weight} is above this process's whole budget of the venue: send smaller requests or raise the venue's share`
      : `this process's share of the ${name} budget is spent until ${until}`;
    if (this.loggedBudgetWaits.get(name) !== refused.retryAt) {
      this.loggedBudgetWaits.set(name, refused.retryAt);
      const fields = {
        venue: name,
        caller: call.caller,
        weight,
        until,
        windows: budget.status(Date.now()).windows,
      };
      if (tooHeavy) this.log.error(fields, message);
      else this.log.warn(fields, 'REST budget spent; holding requests until the window has room');
    }
    return new RestClientError(RestClientErrorCode.BudgetExhausted, message, details);
  }

  /** Reads the venue's live limits once, before its first request; on failure, the configured ones stand. */
  private async learnLimits(budget: VenueBudget, signal: AbortSignal): Promise<void> {
    const { venue } = budget;
    const source = venue.limitSource;
    const state = this.limits.get(venue.name);
    if (source === undefined || state?.learned === true || (state?.retryAt ?? 0) > Date.now()) return;
    await this.limitReads.run(venue.name, signal, async (readSignal) => {
      const call = { venue: venue.name, caller: 'limit-source', url: source.url, weight: source.weight };
      const outcome = await this.attempt(
        budget,
        source.headers === undefined ? call : { ...call, headers: source.headers },
        readSignal,
      );
      if ('answer' in outcome && this.learnFrom(budget, outcome.answer.bodyText)) return;
      const longestWindowMs = Math.max(0, ...venue.limits.map((limit) => limit.windowMs));
      const error = 'error' in outcome ? outcome.error : undefined;
      const retryAt = error?.retryAt ?? Date.now() + longestWindowMs;
      this.limits.set(venue.name, { learned: false, retryAt });
      this.log.warn(
        {
          venue: venue.name,
          err: error?.message ?? 'no limit in the answer',
          retryAt: new Date(retryAt).toISOString(),
        },
        'could not read the REST limits from the venue; using the configured ones',
      );
    }).result;
  }

  /** Takes the limits an answer states; false when it states none. */
  private learnFrom(budget: VenueBudget, bodyText: string): boolean {
    const { venue } = budget;
    const limits =
      venue.limitSource === undefined ? undefined : parseSafely(venue.limitSource.parse, bodyText);
    if (limits === undefined || limits.length === 0) return false;
    budget.learn(limits);
    if (this.limits.get(venue.name)?.learned !== true) {
      this.log.info({ venue: venue.name, limits }, 'REST limits read from the venue');
    }
    this.limits.set(venue.name, { learned: true, retryAt: 0 });
    return true;
  }

  private report(budget: VenueBudget, headers: RestHeaders): void {
    const usage = budget.venue.usage?.(headers);
    if (usage !== undefined && usage.length > 0) budget.report(usage, Date.now());
    this.reportUsage(budget);
  }

  private reportUsage(budget: VenueBudget): void {
    const gauge = this.options.metrics?.usedWeight;
    if (gauge === undefined) return;
    for (const window of budget.status(Date.now()).windows) {
      gauge.set({ venue: budget.venue.name, window_seconds: String(window.windowMs / 1_000) }, window.used);
    }
  }

  private count(call: RestCall, outcome: RestOutcome): void {
    this.options.metrics?.requests.inc({ venue: call.venue, caller: call.caller, outcome });
  }
}

/** The default single-flight key: reads share, writes never do. */
function singleFlightKey(call: RestCall): string | null {
  if (call.singleFlightKey !== undefined) return call.singleFlightKey;
  const method = (call.method ?? 'GET').toUpperCase();
  if (method !== 'GET' && method !== 'HEAD') return null;
  const headers = Object.entries(call.headers ?? {})
    .map(([name, value]) => [name.toLowerCase(), value] as const)
    .sort((a, b) => a[0].localeCompare(b[0]));
  return `${method} ${call.url} ${JSON.stringify(headers)}`;
}

/** A venue's limit parser must not fail the call that needed the limits. */
function parseSafely<T>(parse: (bodyText: string) => T | undefined, bodyText: string): T | undefined {
  try {
    return parse(bodyText);
  } catch {
    return undefined;
  }
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
