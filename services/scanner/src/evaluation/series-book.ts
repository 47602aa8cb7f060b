/**
 * The evaluator's candle series, one per watched (symbol, interval), loaded from the cluster's
 * candle history and kept up to date incrementally: a close that follows the last candle is one
 * `addClosed`; a gap reads the missing candles from the store. Every closed candle from the
 * first announced close on (`hint`), or that closes after the series was first looked at, is
 * handed to `onClosed` once, in order, with the series positioned at it; what a load finds
 * before that, and a backfill that lands later, is history. Without a hint (a scan), a series
 * whose newest candle is older than the clock says it should be is caught up from the store:
 * the safety net for closes whose announcement was lost. Work on one series runs alone (a
 * promise chain per series); different series run in parallel.
 */
import { CANDLE_INTERVAL_MS, type Candle } from '@tickwire/core';
import type { CandleHistory } from '@tickwire/cluster';
import { CandleSeries, candlesNeeded, indicatorsOf, type SeriesView } from '../strategy';
import type { WatchedSeries } from './strategy-index';

export type ClosedCandleHandler = (view: SeriesView, candle: Candle) => void;

export interface SeriesBookOptions {
  candles: Pick<CandleHistory, 'closed' | 'requestBackfill'>;
  now?: () => number;
}

interface Entry {
  series: CandleSeries;
  /** Closed candles the series holds at most (what its strategies need). */
  capacity: number;
  tracked: Set<string>;
  /** The watched series whose strategies' indicators were last tracked (see `track`). */
  trackedFor: WatchedSeries | undefined;
  /** Open time of the last candle handed to `onClosed` or kept as history. */
  evaluatedThrough: number;
  /** While the series holds fewer candles than its strategies read: when to read the store again. */
  rereadAt: number;
  rereadDelayMs: number;
}

/** Closed candles read at once when catching up a gap. */
const MAX_CATCH_UP_CANDLES = 1_000;
/**
 * A short series is read again after this, then after twice as long each time the store had
 * nothing older (a backfill lands within seconds, or never: a venue without REST candles).
 */
const FIRST_REREAD_MS = 1_000;
const MAX_REREAD_MS = 300_000;

export class SeriesBook {
  private readonly entries = new Map<string, Entry>();
  /** The work queued on each series: the next runs when the last has settled. */
  private readonly chains = new Map<string, Promise<void>>();
  /** Closed candles each watched series' strategies read, derived once per WatchedSeries. */
  private readonly capacities = new WeakMap<WatchedSeries, number>();
  private readonly now: () => number;

  constructor(private readonly options: SeriesBookOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Series held. */
  size(): number {
    return this.entries.size;
  }

  /**
   * Brings the series up to date (with `hint`, a close just announced, when there is one) and
   * hands every new closed candle to `onClosed`; then runs `after` on the series (the open
   * candle's evaluation), still alone on it.
   */
  advance(
    watched: WatchedSeries,
    onClosed: ClosedCandleHandler,
    options: { hint?: Candle; after?: (series: CandleSeries) => void } = {},
  ): Promise<void> {
    const next = (this.chains.get(watched.key) ?? Promise.resolve()).then(() =>
      this.advanceAlone(watched, onClosed, options),
    );
    // The chain never rejects, so one failed read does not stop later work on the series.
    this.chains.set(
      watched.key,
      next.catch(() => undefined),
    );
    return next;
  }

  /** Forgets the series no strategy watches any more. */
  retain(keys: ReadonlySet<string>): void {
    for (const key of this.entries.keys()) if (!keys.has(key)) this.entries.delete(key);
    for (const key of this.chains.keys()) if (!keys.has(key)) this.chains.delete(key);
  }

  private async advanceAlone(
    watched: WatchedSeries,
    onClosed: ClosedCandleHandler,
    options: { hint?: Candle; after?: (series: CandleSeries) => void },
  ): Promise<void> {
    const needed = this.capacityOf(watched);
    let entry = this.entries.get(watched.key);
    // A series holding fewer candles than its strategies read is read again from the store from
    // time to time (the backfill its first load asked for may have landed since).
    const short = entry !== undefined && entry.series.closedCount() < needed && this.now() >= entry.rereadAt;
    if (!entry || entry.capacity < needed || short) {
      entry = await this.load(watched, needed, entry, onClosed, options.hint);
    } else {
      this.track(entry, watched);
      await this.catchUp(watched, entry, onClosed, options.hint);
    }
    options.after?.(entry.series);
  }

  private async load(
    watched: WatchedSeries,
    capacity: number,
    previous: Entry | undefined,
    onClosed: ClosedCandleHandler,
    hint: Candle | undefined,
  ): Promise<Entry> {
    const intervalMs = CANDLE_INTERVAL_MS[watched.interval];
    // Candles after this open time are evaluated, once: the previous entry's mark; at first sight,
    // from the announced close on, or without one, what closes from now on. Anything older (the
    // store's history, a backfill landing later) is history, never a signal.
    const evaluatedThrough =
      previous?.evaluatedThrough ??
      (hint ? hint.openTime - 1 : Math.floor(this.now() / intervalMs) * intervalMs - intervalMs);
    const since = Math.ceil((this.now() - evaluatedThrough) / intervalMs) + 1;
    const stored = await this.options.candles.closed(
      { symbol: watched.symbol, interval: watched.interval },
      capacity + Math.min(MAX_CATCH_UP_CANDLES, Math.max(1, since)),
    );
    // A series still short of what its strategies read is read again, but rebuilt only when the
    // store now holds older candles than it (a backfill landed); otherwise it keeps growing close
    // by close. The store may keep fewer candles than a strategy reads (the pods' CANDLE_HISTORY):
    // rebuilding from it every time would then recompute every indicator on every close and
    // never reach the look-back.
    const firstHeld = previous?.series.firstClosed();
    const olderStored =
      firstHeld !== undefined && stored[0] !== undefined && stored[0].openTime < firstHeld.openTime;
    if (previous && previous.capacity >= capacity && !olderStored) {
      this.track(previous, watched);
      // What it holds already is refused by the series, not applied twice.
      for (const candle of stored) this.append(previous, candle, onClosed);
      previous.rereadDelayMs = Math.min(MAX_REREAD_MS, previous.rereadDelayMs * 2);
      previous.rereadAt = this.now() + previous.rereadDelayMs;
      return previous;
    }
    const entry: Entry = {
      series: new CandleSeries(capacity),
      capacity,
      tracked: new Set(),
      trackedFor: undefined,
      evaluatedThrough,
      rereadAt: this.now() + FIRST_REREAD_MS,
      rereadDelayMs: FIRST_REREAD_MS,
    };
    this.track(entry, watched);
    for (const candle of stored) this.append(entry, candle, onClosed);
    this.entries.set(watched.key, entry);
    if (!previous && stored.length < capacity) {
      // Fewer candles than the strategies read: ask the leader to backfill (it fetches a range once).
      await this.options.candles.requestBackfill({ symbol: watched.symbol, interval: watched.interval });
    }
    return entry;
  }

  /**
   * The strategy index hands out the same WatchedSeries until the catalog changes, so what its
   * strategies need is derived once per object, not on every close: with thousands of strategies
   * that derivation cost more than the evaluations themselves.
   */
  private capacityOf(watched: WatchedSeries): number {
    let capacity = this.capacities.get(watched);
    if (capacity === undefined) {
      capacity = Math.max(...watched.strategies.map((s) => candlesNeeded(s.document.when)));
      this.capacities.set(watched, capacity);
    }
    return capacity;
  }

  private track(entry: Entry, watched: WatchedSeries): void {
    if (entry.trackedFor === watched) return;
    for (const strategy of watched.strategies) {
      const live = strategy.document.openCandle;
      for (const spec of indicatorsOf(strategy.document.when)) {
        const key = `${spec.kind}:${spec.source}:${spec.period}:${live ? 'live' : 'closed'}`;
        if (entry.tracked.has(key)) continue;
        entry.series.track(spec, live);
        entry.tracked.add(key);
      }
    }
    entry.trackedFor = watched;
  }

  private async catchUp(
    watched: WatchedSeries,
    entry: Entry,
    onClosed: ClosedCandleHandler,
    hint: Candle | undefined,
  ): Promise<void> {
    const intervalMs = CANDLE_INTERVAL_MS[watched.interval];
    const last = entry.series.lastClosed();
    if (hint && last && hint.openTime <= last.openTime) return;
    if (hint && (!last || hint.openTime === last.openTime + intervalMs)) {
      this.append(entry, hint, onClosed);
      return;
    }
    // Without a hint: is a candle that should have closed by now missing? (A quiet market has
    // no candles at all: then the store has nothing newer either.)
    // A full entry has a last candle; a hint that does not follow it means a gap.
    const lastOpen = last?.openTime ?? entry.evaluatedThrough;
    const newestClosedOpen = Math.floor(this.now() / intervalMs) * intervalMs - intervalMs;
    if (!hint && lastOpen >= newestClosedOpen) return;
    const missing = Math.ceil((this.now() - lastOpen) / intervalMs) + 1;
    const stored = await this.options.candles.closed(
      { symbol: watched.symbol, interval: watched.interval },
      Math.min(MAX_CATCH_UP_CANDLES, Math.max(1, missing)),
    );
    for (const candle of stored) if (candle.openTime > lastOpen) this.append(entry, candle, onClosed);
  }

  private append(entry: Entry, candle: Candle, onClosed: ClosedCandleHandler): void {
    if (entry.series.addClosed(candle) !== 'added') return;
    if (candle.openTime > entry.evaluatedThrough) onClosed(entry.series.view(false), candle);
    entry.evaluatedThrough = Math.max(entry.evaluatedThrough, candle.openTime);
  }
}
