/**
 * The leader's backfill of candle history from the exchanges' REST candles: for a series it
 * fetches only the ranges the store has not covered yet (never the same range twice), in
 * requests of at most the exchange's page size, one series at a time per key (single flight),
 * through the process's one REST client, so it spends the same budget as the REST fallback and
 * the symbol catalog (weights counted, 429 and 418 honoured). What it fetched is stored with a
 * fenced append that records the range as covered, gaps included. An exchange that refuses the
 * account its candles (Finnhub's plans without them) is recorded as such for every pod to tell
 * its clients, and not asked again for a while. Each request is tried once: the caller retries
 * failures on its own schedule.
 */
import {
  CANDLE_INTERVAL_MS,
  DEFAULT_CANDLE_CLOSE_GRACE_MS,
  type Candle,
  type ExchangeId,
} from '@tickwire/core';
import {
  uncoveredCandleRanges,
  type CandleHistory,
  type CandleRange,
  type CandleSeriesKey,
} from '@tickwire/cluster';
import { fromCanonicalSymbol, type CandleHistorySource, type ExchangeAdapter } from '@tickwire/exchanges';
import type { Logger } from '@tickwire/observability';
import { RestClientError, RestClientErrorCode, type RestClient } from '@tickwire/service';
import { notEntitled, notOffered, type BackfillReason } from './backfill-reasons';
import { wantedCandleRange } from './candle-window';

/** What the caller of `/v1/candles` is told about a series' history. */
export type BackfillState = 'complete' | 'pending' | 'unavailable';

export interface CandleBackfillOptions {
  history: Pick<
    CandleHistory,
    'covered' | 'appendClosed' | 'retainedCandles' | 'refuseBackfill' | 'backfillRefusal'
  >;
  rest: Pick<RestClient, 'request'>;
  /** The configured exchanges' adapters and REST bases. */
  exchanges: readonly { adapter: ExchangeAdapter; restBaseUrl: string }[];
  logger: Logger;
  graceMs?: number;
  now?: () => number;
}

/** Who the REST client's metrics and logs name for these requests. */
export const CANDLE_BACKFILL_CALLER = 'candle-backfill';

/** Told about the candles a backfill stored (the history database's writer copies them). */
export type BackfilledListener = (candles: readonly Candle[]) => void;

export class CandleBackfill {
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly listeners = new Set<BackfilledListener>();
  private readonly now: () => number;
  private readonly graceMs: number;

  constructor(private readonly options: CandleBackfillOptions) {
    this.now = options.now ?? Date.now;
    this.graceMs = options.graceMs ?? DEFAULT_CANDLE_CLOSE_GRACE_MS;
  }

  onBackfilled(listener: BackfilledListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Why the series can never be backfilled through this relay; undefined when it can be. */
  unavailable(series: CandleSeriesKey): BackfillReason | undefined {
    if (this.sourceOf(series) !== undefined) return undefined;
    return notOffered(fromCanonicalSymbol(series.symbol)?.exchange ?? series.symbol, series.interval);
  }

  /**
   * Fetches and stores what the series misses; a call while one runs for the same series
   * shares it. Resolves without fetching while the exchange refuses the series. Rejects when a
   * request or the store fails (what was stored stays stored).
   */
  fill(series: CandleSeriesKey): Promise<void> {
    const key = `${series.interval}|${series.symbol}`;
    let running = this.inFlight.get(key);
    if (!running) {
      running = this.run(series).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, running);
    }
    return running;
  }

  private sourceOf(series: CandleSeriesKey) {
    const exchange: ExchangeId | undefined = fromCanonicalSymbol(series.symbol)?.exchange;
    const endpoint = this.options.exchanges.find(({ adapter }) => adapter.id === exchange);
    const source = endpoint?.adapter.candleHistory;
    if (!endpoint || !source?.supports(series.interval)) return undefined;
    return { ...endpoint, source };
  }

  private async run(series: CandleSeriesKey): Promise<void> {
    const found = this.sourceOf(series);
    if (!found) return;
    const { adapter, restBaseUrl, source } = found;
    const { history } = this.options;
    if (await history.backfillRefusal(series)) return;
    const length = CANDLE_INTERVAL_MS[series.interval];
    const wanted = wantedCandleRange(series.interval, history.retainedCandles, this.now(), this.graceMs);
    const missing = uncoveredCandleRanges(await history.covered(series), wanted, length);
    for (const range of missing) {
      for (const page of pages(range, length, source.candlesPerRequest(series.interval))) {
        const bodyText = await this.fetchPage(series, adapter, restBaseUrl, source, page);
        if (bodyText === undefined) return;
        const now = this.now();
        // Only closed candles of the page: an exchange may add the open one, or neighbours.
        const candles = source
          .parse(series.symbol, series.interval, bodyText)
          .filter(
            (candle: Candle) =>
              candle.openTime >= page.from && candle.openTime <= page.to && candle.closeTime < now,
          );
        const stored = await history.appendClosed({ ...series, candles, covers: page, source: 'backfill' });
        for (const listener of this.listeners) listener(stored);
        this.options.logger.info(
          {
            symbol: series.symbol,
            interval: series.interval,
            from: page.from,
            to: page.to,
            received: candles.length,
            stored: stored.length,
          },
          'backfilled candles',
        );
      }
    }
  }

  /**
   * One page's body text; undefined when the exchange refuses the account these candles (then
   * recorded, so no pod asks again for a while).
   */
  private async fetchPage(
    series: CandleSeriesKey,
    adapter: ExchangeAdapter,
    restBaseUrl: string,
    source: CandleHistorySource,
    page: CandleRange,
  ): Promise<string | undefined> {
    const request = source.request(restBaseUrl, series.symbol, series.interval, page.from, page.to);
    try {
      const answer = await this.options.rest.request({
        venue: adapter.id,
        caller: CANDLE_BACKFILL_CALLER,
        url: request.url,
        headers: request.headers,
        weight: source.requestWeight,
        maxAttempts: 1,
      });
      return answer.bodyText;
    } catch (error) {
      const words =
        error instanceof RestClientError &&
        error.code === RestClientErrorCode.HttpStatus &&
        error.status !== undefined
          ? source.entitlementRefusal?.(error.status, error.bodyText ?? '')
          : undefined;
      if (words === undefined) throw error;
      const refusal = notEntitled(adapter.id, words, this.now());
      await this.options.history.refuseBackfill(series, refusal);
      this.options.logger.warn(
        {
          symbol: series.symbol,
          interval: series.interval,
          status: (error as RestClientError).status,
          until: refusal.until,
        },
        refusal.message,
      );
      return undefined;
    }
  }
}

/** `range` cut into pages of at most `perPage` intervals, oldest first. */
function pages(range: CandleRange, length: number, perPage: number): CandleRange[] {
  const result: CandleRange[] = [];
  for (let from = range.from; from <= range.to; from += perPage * length)
    result.push({ from, to: Math.min(range.to, from + (perPage - 1) * length) });
  return result;
}
