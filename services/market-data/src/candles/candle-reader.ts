/**
 * What `/v1/candles` answers, on any pod: the closed candles of the cluster's store, this pod's
 * open candle last, and whether the history is whole. A series the store has not covered yet is
 * registered for the leader to backfill (any pod may ask; only the leader fetches), and the
 * answer says `pending` meanwhile; `unavailable`, with the reason, when the exchange serves no
 * such candles or refuses them to this account (the leader recorded why).
 */
import { DEFAULT_CANDLE_CLOSE_GRACE_MS, CANDLE_INTERVAL_MS, type Candle } from '@tickwire/core';
import { uncoveredCandleRanges, type CandleHistory, type CandleSeriesKey } from '@tickwire/cluster';
import type { BackfillReason } from './backfill-reasons';
import type { BackfillState, CandleBackfill } from './candle-backfill';
import type { CandleBook } from '@tickwire/cluster';
import { wantedCandleRange } from './candle-window';

export interface CandleReaderOptions {
  history: Pick<
    CandleHistory,
    'closed' | 'covered' | 'requestBackfill' | 'retainedCandles' | 'backfillRefusal'
  >;
  book: Pick<CandleBook, 'open'>;
  backfill: Pick<CandleBackfill, 'unavailable'>;
  graceMs?: number;
  now?: () => number;
}

export interface CandleAnswer {
  candles: Candle[];
  backfill: BackfillState;
  /** Why, when `backfill` is `unavailable`. */
  backfillReason?: BackfillReason;
}

/** A series' history state, and the reason when it is `unavailable`. */
export type BackfillStatus = Omit<CandleAnswer, 'candles'>;

export class CandleReader {
  /** Series whose history this pod has had checked: a stream asking for them again costs nothing. */
  private readonly checked = new Set<string>();

  constructor(private readonly options: CandleReaderOptions) {}

  /**
   * A stream asked for closes of these series: the first time in this pod's life, their history
   * is checked (and backfill requested when incomplete), so strategies reading `/v1/candles`
   * later find it whole. Later closes keep it whole (the leader stores them).
   */
  want(series: readonly CandleSeriesKey[]): Promise<void> {
    const fresh = series.filter((one) => {
      const key = `${one.interval}|${one.symbol}`;
      if (this.checked.has(key)) return false;
      this.checked.add(key);
      return true;
    });
    return Promise.all(fresh.map((one) => this.backfillStatus(one))).then(() => undefined);
  }

  /** Up to `limit` candles, oldest first, the open one last. */
  async read(series: CandleSeriesKey, limit: number): Promise<CandleAnswer> {
    const { history, book } = this.options;
    // The status first, then the candles: the leader stores a backfilled page and its coverage in
    // one script, so candles read after a coverage that says `complete` include that page. Read
    // together, an append landing between the two reads answered `complete` with no candles.
    const status = await this.backfillStatus(series);
    const closed = await history.closed(series, limit);
    const open = book.open(series.symbol, series.interval);
    const last = closed.at(-1);
    const candles = open && (!last || open.openTime > last.openTime) ? [...closed, open] : closed;
    return { candles: candles.slice(Math.max(0, candles.length - limit)), ...status };
  }

  /**
   * Whether the store covers the series' window; when it does not, why it cannot be backfilled,
   * or else a backfill request and `pending`.
   */
  async backfillStatus(series: CandleSeriesKey): Promise<BackfillStatus> {
    const { history } = this.options;
    const never = this.options.backfill.unavailable(series);
    if (never) return { backfill: 'unavailable', backfillReason: never };
    const now = (this.options.now ?? Date.now)();
    const wanted = wantedCandleRange(
      series.interval,
      history.retainedCandles,
      now,
      this.options.graceMs ?? DEFAULT_CANDLE_CLOSE_GRACE_MS,
    );
    const missing = uncoveredCandleRanges(
      await history.covered(series),
      wanted,
      CANDLE_INTERVAL_MS[series.interval],
    );
    if (missing.length === 0) return { backfill: 'complete' };
    const refusal = await history.backfillRefusal(series);
    if (refusal)
      return { backfill: 'unavailable', backfillReason: { code: refusal.code, message: refusal.message } };
    await history.requestBackfill(series);
    return { backfill: 'pending' };
  }
}
