/**
 * One symbol's candles of one interval, as strategies read them, with the indicators they use
 * kept up to date incrementally: a new closed candle is one `add` per indicator, never a
 * recomputation of history. Indicators come from `trading-signals` (SMA, EMA, RSI with
 * Wilder's smoothing) and are shared by every strategy that asks for the same one.
 *
 * The open candle, for strategies that evaluate it, feeds a twin of each indicator: the twin
 * takes the open candle with `add` and its later updates with `replace`, so the closed-candle
 * indicator never sees a value that may still change.
 */
import { EMA, RSI, SMA } from 'trading-signals';
import type { Candle } from '@tickwire/core';
import { MAX_LOOKBACK_CANDLES } from './strategy-document';

export interface IndicatorSpec {
  kind: 'sma' | 'ema' | 'rsi';
  source: 'close' | 'volume';
  period: number;
}

/** An indicator's results at this candle and the one before (null until it has enough data). */
export interface IndicatorReading {
  current: number | null;
  previous: number | null;
}

/** What a strategy reads: the current candle (the last closed, or the open one) and what led to it. */
export interface SeriesView {
  readonly current: Candle | undefined;
  /** The close `back` candles before the current one (0 = the current close). */
  closeBack(back: number): string | undefined;
  indicator(spec: IndicatorSpec): IndicatorReading;
}

interface StreamingIndicator {
  add(input: number): number | null;
  replace(input: number): number | null;
  getResult(): number | null;
  readonly isStable: boolean;
}

/** An indicator's result once it has seen enough inputs (an EMA has a value after one: too early). */
function stableResult(indicator: StreamingIndicator): number | null {
  return indicator.isStable ? indicator.getResult() : null;
}

interface Tracked {
  spec: IndicatorSpec;
  closed: StreamingIndicator;
  /** Results after the candle before the last closed one, and after the last closed one. */
  previous: number | null;
  last: number | null;
  /** The twin that also saw the open candle, created when a strategy evaluates open candles. */
  live: StreamingIndicator | undefined;
  /** The open candle the twin holds (its last input), if any. */
  liveOpenTime: number | undefined;
}

export function indicatorKey(spec: IndicatorSpec): string {
  return `${spec.kind}:${spec.source}:${spec.period}`;
}

function createIndicator(spec: IndicatorSpec): StreamingIndicator {
  switch (spec.kind) {
    case 'sma':
      return new SMA(spec.period);
    case 'ema':
      return new EMA(spec.period);
    case 'rsi':
      return new RSI(spec.period);
  }
}

function inputOf(candle: Candle, source: IndicatorSpec['source']): number {
  return Number(source === 'close' ? candle.close : candle.volume);
}

export type AppendResult = 'added' | 'duplicate' | 'out-of-order';

export class CandleSeries {
  private readonly candles: Candle[] = [];
  private open: Candle | undefined;
  private readonly tracked = new Map<string, Tracked>();

  /** @param maxCandles closed candles kept for look-backs (at least the longest one asked for). */
  constructor(private readonly maxCandles = MAX_LOOKBACK_CANDLES + 1) {}

  /** The newest closed candle. */
  lastClosed(): Candle | undefined {
    return this.candles.at(-1);
  }

  /** The oldest closed candle held. */
  firstClosed(): Candle | undefined {
    return this.candles[0];
  }

  closedCount(): number {
    return this.candles.length;
  }

  /** Keeps an indicator up to date from now on, fed with the history already held. */
  track(spec: IndicatorSpec, live: boolean): void {
    const key = indicatorKey(spec);
    let entry = this.tracked.get(key);
    if (!entry) {
      const closed = createIndicator(spec);
      let previous: number | null = null;
      let last: number | null = null;
      for (const candle of this.candles) {
        previous = last;
        closed.add(inputOf(candle, spec.source));
        last = stableResult(closed);
      }
      entry = { spec, closed, previous, last, live: undefined, liveOpenTime: undefined };
      this.tracked.set(key, entry);
    }
    if (live && !entry.live) this.rebuildLive(entry);
  }

  /** Appends a closed candle; a candle not newer than the last one is refused, not applied twice. */
  addClosed(candle: Candle): AppendResult {
    const last = this.lastClosed();
    if (last && candle.openTime === last.openTime) return 'duplicate';
    if (last && candle.openTime < last.openTime) return 'out-of-order';
    this.candles.push(candle);
    if (this.candles.length > this.maxCandles) this.candles.shift();
    if (this.open && this.open.openTime <= candle.openTime) this.open = undefined;
    for (const entry of this.tracked.values()) {
      const input = inputOf(candle, entry.spec.source);
      entry.previous = entry.last;
      entry.closed.add(input);
      entry.last = stableResult(entry.closed);
      if (!entry.live) continue;
      if (entry.liveOpenTime === candle.openTime) entry.live.replace(input);
      else if (entry.liveOpenTime === undefined) entry.live.add(input);
      else {
        // The twin holds a newer open candle: the closed one must come before it.
        this.rebuildLive(entry);
        continue;
      }
      entry.liveOpenTime = undefined;
    }
    return 'added';
  }

  /** The candle still forming; ignored when it is not newer than the last closed one. */
  setOpen(candle: Candle): void {
    const last = this.lastClosed();
    if (last && candle.openTime <= last.openTime) return;
    this.open = candle;
    for (const entry of this.tracked.values()) {
      if (!entry.live) continue;
      const input = inputOf(candle, entry.spec.source);
      if (entry.liveOpenTime === candle.openTime) entry.live.replace(input);
      else if (entry.liveOpenTime === undefined) entry.live.add(input);
      // An open candle that never closed here (its close was missed): start the twin again.
      else this.rebuildLive(entry);
      entry.liveOpenTime = candle.openTime;
    }
  }

  /** The series as of its last closed candle, or as of the open candle when `withOpen` and there is one. */
  view(withOpen: boolean): SeriesView {
    const open = withOpen ? this.open : undefined;
    const candles = this.candles;
    const tracked = this.tracked;
    return {
      current: open ?? candles.at(-1),
      closeBack(back: number): string | undefined {
        const index = (open ? candles.length : candles.length - 1) - back;
        if (index === candles.length) return open?.close;
        return index >= 0 ? candles[index]?.close : undefined;
      },
      indicator(spec: IndicatorSpec): IndicatorReading {
        const entry = tracked.get(indicatorKey(spec));
        if (!entry) throw new Error(`indicator ${indicatorKey(spec)} is not tracked`);
        if (!open) return { current: entry.last, previous: entry.previous };
        return { current: entry.live ? stableResult(entry.live) : null, previous: entry.last };
      },
    };
  }

  /** A fresh twin fed with every closed candle, then the open one (after a missed close, say). */
  private rebuildLive(entry: Tracked): void {
    const live = createIndicator(entry.spec);
    for (const candle of this.candles) live.add(inputOf(candle, entry.spec.source));
    entry.live = live;
    entry.liveOpenTime = undefined;
    if (this.open) {
      live.add(inputOf(this.open, entry.spec.source));
      entry.liveOpenTime = this.open.openTime;
    }
  }
}
