/**
 * OHLCV candles aggregated from ticks, per symbol and interval, with a bounded history per
 * timeframe. Candles are aligned to UTC interval boundaries of the exchange event time.
 */
import { addDecimal, compareDecimal, maxDecimal, minDecimal } from './decimal';

/** Supported candle intervals and their length in ms. */
export const CANDLE_INTERVAL_MS = {
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '1h': 3_600_000,
  '4h': 14_400_000,
  '1d': 86_400_000,
} as const;

export type CandleInterval = keyof typeof CANDLE_INTERVAL_MS;

export const CANDLE_INTERVALS = Object.keys(CANDLE_INTERVAL_MS) as CandleInterval[];

/** Candles kept per symbol and interval (the open one included) unless configured otherwise. */
export const DEFAULT_CANDLE_HISTORY = 500;

export function isCandleInterval(value: string): value is CandleInterval {
  return Object.hasOwn(CANDLE_INTERVAL_MS, value);
}

export interface Candle {
  symbol: string;
  interval: CandleInterval;
  /** Start of the interval (ms, inclusive). */
  openTime: number;
  /** End of the interval (ms, inclusive), `openTime + interval - 1` as exchanges report it. */
  closeTime: number;
  open: string;
  high: string;
  low: string;
  close: string;
  /** Sum of the trade quantities seen in the interval ("0" when the feed carries no trades). */
  volume: string;
  /** Ticks that fell into the interval. */
  ticks: number;
  /** An asset's candles only: the source symbol every tick of this candle came from. */
  origin?: string;
}

export interface CandleAggregatorOptions {
  intervals: readonly CandleInterval[];
  /** Candles kept per symbol and interval, the open one included. */
  historyLimit: number;
}

export const DEFAULT_CANDLE_AGGREGATOR_OPTIONS: CandleAggregatorOptions = {
  intervals: CANDLE_INTERVALS,
  historyLimit: DEFAULT_CANDLE_HISTORY,
};

/**
 * Late ticks get this long after a candle's end to land in it before a timer closes it (ms):
 * exchange event times reach a pod tens to hundreds of ms after they happened.
 */
export const DEFAULT_CANDLE_CLOSE_GRACE_MS = 2_000;

/**
 * An exchange's own bar of one interval, sent when the interval ended (Massive's per-minute
 * aggregate `AM`): the exchange's authoritative candle, which its feed may build from trades a
 * relay never sees (a delayed feed, trade conditions that do not count). A series that received
 * one takes its candles from the bars: the open candle is still built live from trades, but it
 * closes as the bar that answers it ({@link DEFAULT_EXCHANGE_BAR_WAIT_MS}), and the longer
 * intervals are folded from those closed bars.
 */
export interface ExchangeBar {
  interval: CandleInterval;
  /** Start of the bar's interval (ms, aligned to it). */
  openTime: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

/**
 * How long past its end a bar-fed candle waits for its bar before it closes as built from
 * trades (ms). Massive delays its minute bars on purpose, by an undocumented amount, and sends
 * none for a minute without qualifying trades.
 */
export const DEFAULT_EXCHANGE_BAR_WAIT_MS = 60_000;

/**
 * A candle that just closed. `complete` is false for the first candle of a series, which began
 * before this aggregator saw its first tick: its open, high, low and volume may miss trades.
 */
export interface ClosedCandle {
  candle: Candle;
  complete: boolean;
}

/** An open candle, and whether it was seen from its interval's start. */
export type OpenCandle = ClosedCandle;

/** One symbol's candles for one interval: a ring of closed candles plus the open one. */
class CandleSeries {
  private readonly closed: Candle[] = [];
  private current: Candle | undefined;
  /** Whether `current` was seen from its interval's start (false for the series' first candle). */
  private currentComplete = false;
  /** Ticks at or before this closed candle are late: their candle was reported already. */
  private lastClosedOpenTime: number | undefined;
  /**
   * Set once an exchange bar of this interval arrived: candles then close as their bars, and
   * ended candles wait in `awaitingBar` (oldest first) until theirs comes.
   */
  private barFed = false;
  private readonly awaitingBar: ClosedCandle[] = [];
  /** Set once this longer series is folded from a bar-fed one's closes instead of ticks. */
  private foldsBars = false;

  constructor(
    private readonly symbol: string,
    private readonly interval: CandleInterval,
    private readonly limit: number,
  ) {}

  /**
   * Returns the candle this tick closed, if it opened the next one. An asset's tick names its
   * `origin`; when that differs from the open candle's, the asset switched sources and the
   * candle of this interval becomes the new source's own (`sourceCandle`, which already holds
   * this tick): a candle never mixes two sources.
   */
  apply(
    price: string,
    quantity: string | undefined,
    time: number,
    origin?: string,
    sourceCandle?: () => OpenCandle | undefined,
  ): ClosedCandle | undefined {
    const length = CANDLE_INTERVAL_MS[this.interval];
    const openTime = time - (time % length);
    const current = this.current;
    // A late tick for a closed candle is ignored: that candle has been reported already.
    if (current && openTime < current.openTime) return undefined;
    if (this.lastClosedOpenTime !== undefined && openTime <= this.lastClosedOpenTime) return undefined;
    if (!current || openTime > current.openTime) {
      const closed = current ? this.closeOrAwaitBar(current) : undefined;
      const complete = current !== undefined || this.lastClosedOpenTime !== undefined;
      if (origin === undefined || current?.origin === origin || !this.adopt(openTime, origin, sourceCandle)) {
        this.currentComplete = complete;
        this.current = this.first(openTime, price, quantity, origin);
      }
      return closed;
    }
    if (current.origin !== origin) {
      if (origin === undefined || !this.adopt(openTime, origin, sourceCandle)) {
        // Nothing of the new source to adopt: the candle starts again from this tick, incomplete.
        this.currentComplete = false;
        this.current = this.first(openTime, price, quantity, origin);
      }
      return undefined;
    }
    if (compareDecimal(price, current.high) > 0) current.high = price;
    if (compareDecimal(price, current.low) < 0) current.low = price;
    current.close = price;
    if (quantity !== undefined) current.volume = addDecimal(current.volume, quantity);
    current.ticks += 1;
    return undefined;
  }

  /** The open candle and whether it was seen from its interval's start. */
  openWithCompleteness(): OpenCandle | undefined {
    return this.current ? { candle: { ...this.current }, complete: this.currentComplete } : undefined;
  }

  private first(
    openTime: number,
    price: string,
    quantity: string | undefined,
    origin: string | undefined,
  ): Candle {
    return {
      symbol: this.symbol,
      interval: this.interval,
      openTime,
      closeTime: openTime + CANDLE_INTERVAL_MS[this.interval] - 1,
      open: price,
      high: price,
      low: price,
      close: price,
      volume: quantity ?? '0',
      ticks: 1,
      ...(origin === undefined ? {} : { origin }),
    };
  }

  /** Takes the source's open candle of the same interval as this series' own; false when it has none. */
  private adopt(
    openTime: number,
    origin: string,
    sourceCandle: (() => OpenCandle | undefined) | undefined,
  ): boolean {
    const source = sourceCandle?.();
    if (source === undefined || source.candle.openTime !== openTime) return false;
    this.current = { ...source.candle, symbol: this.symbol, origin };
    this.currentComplete = source.complete;
    return true;
  }

  /**
   * Closes the open candle when `now` is `graceMs` past its end and no later tick closed it; in a
   * bar-fed series, also the ended candles whose bar did not come within `barWaitMs`, as built.
   */
  closeIfDue(now: number, graceMs: number, barWaitMs: number): ClosedCandle[] {
    const closed: ClosedCandle[] = [];
    const current = this.current;
    if (current && now > current.closeTime + graceMs) {
      this.current = undefined;
      const candle = this.closeOrAwaitBar(current);
      if (candle) closed.push(candle);
    }
    while (this.awaitingBar[0] && now > this.awaitingBar[0].candle.closeTime + graceMs + barWaitMs) {
      closed.push(this.closeAwaited(this.awaitingBar.shift()!));
    }
    return closed;
  }

  /**
   * The exchange's bar for one interval of this series: it closes that interval's candle (the
   * open one, or one that ended and waits for it) with the bar's values, complete, after the
   * candles before it, whose bars will not come. Returns what closed; a bar for an interval
   * already reported closes nothing.
   */
  applyBar(bar: ExchangeBar): ClosedCandle[] {
    this.barFed = true;
    if (this.lastClosedOpenTime !== undefined && bar.openTime <= this.lastClosedOpenTime) return [];
    const closed: ClosedCandle[] = [];
    while (this.awaitingBar[0] && this.awaitingBar[0].candle.openTime < bar.openTime) {
      closed.push(this.closeAwaited(this.awaitingBar.shift()!));
    }
    let built: Candle | undefined;
    if (this.awaitingBar[0]?.candle.openTime === bar.openTime) {
      built = this.awaitingBar.shift()!.candle;
    } else if (this.current && this.current.openTime <= bar.openTime) {
      // The bar ends the open candle: trades of its interval that come later are late.
      const current = this.current;
      this.current = undefined;
      if (current.openTime === bar.openTime) built = current;
      else closed.push(this.close(current, this.currentComplete));
      this.currentComplete = true;
    }
    closed.push(this.close(this.barCandle(bar, built), true));
    return closed;
  }

  /**
   * A candle of the next-shorter bar-fed series that closed, folded into this longer one: its
   * open candle is the fold of its interval's closed bars, closed when its last one is in. The
   * first candle so folded is incomplete: the trades before the first bar were dropped.
   */
  applyFinerClose(finer: ClosedCandle): ClosedCandle | undefined {
    if (!this.foldsBars) {
      // Until now built from ticks, which the bars replace: start again from the bars.
      this.foldsBars = true;
      this.current = undefined;
      this.currentComplete = false;
    }
    const length = CANDLE_INTERVAL_MS[this.interval];
    const openTime = finer.candle.openTime - (finer.candle.openTime % length);
    if (this.lastClosedOpenTime !== undefined && openTime <= this.lastClosedOpenTime) return undefined;
    let closed: ClosedCandle | undefined;
    const current = this.current;
    if (!current || openTime > current.openTime) {
      if (current) closed = this.close(current, this.currentComplete);
      this.currentComplete = closed !== undefined || this.lastClosedOpenTime !== undefined;
      this.current = {
        ...finer.candle,
        interval: this.interval,
        openTime,
        closeTime: openTime + length - 1,
      };
      if (!finer.complete) this.currentComplete = false;
    } else {
      current.high = maxDecimal(current.high, finer.candle.high);
      current.low = minDecimal(current.low, finer.candle.low);
      current.close = finer.candle.close;
      current.volume = addDecimal(current.volume, finer.candle.volume);
      current.ticks += finer.candle.ticks;
      if (!finer.complete) this.currentComplete = false;
    }
    const folded = this.current!;
    if (finer.candle.closeTime === folded.closeTime) {
      this.current = undefined;
      const last = this.close(folded, this.currentComplete);
      this.currentComplete = true;
      return closed ?? last;
    }
    return closed;
  }

  private barCandle(bar: ExchangeBar, built: Candle | undefined): Candle {
    return {
      symbol: this.symbol,
      interval: this.interval,
      openTime: bar.openTime,
      closeTime: bar.openTime + CANDLE_INTERVAL_MS[this.interval] - 1,
      open: bar.open,
      high: bar.high,
      low: bar.low,
      close: bar.close,
      volume: bar.volume,
      ticks: built?.ticks ?? 0,
    };
  }

  /** An ended candle: closed now, or, in a bar-fed series, kept until its bar comes. */
  private closeOrAwaitBar(candle: Candle): ClosedCandle | undefined {
    if (!this.barFed) return this.close(candle);
    this.awaitingBar.push({ candle, complete: this.currentComplete });
    return undefined;
  }

  /** A candle whose bar never came, closed as built from trades. */
  private closeAwaited(awaited: ClosedCandle): ClosedCandle {
    return this.close(awaited.candle, awaited.complete);
  }

  /** The open candle (a copy), if any. */
  open(): Candle | undefined {
    return this.current ? { ...this.current } : undefined;
  }

  private close(candle: Candle, complete: boolean = this.currentComplete): ClosedCandle {
    this.closed.push(candle);
    this.lastClosedOpenTime = candle.openTime;
    // `limit` counts the open candle too, so the API's `limit=500` returns the whole history.
    const keep = Math.max(0, this.limit - 1);
    if (this.closed.length > keep) this.closed.splice(0, this.closed.length - keep);
    return { candle: { ...candle }, complete };
  }

  /** Up to `limit` candles, oldest first, the open candle last. */
  list(limit: number): Candle[] {
    const all = this.current ? [...this.closed, { ...this.current }] : [...this.closed];
    return all.slice(Math.max(0, all.length - limit));
  }
}

/** Aggregates ticks into candles for every configured interval. */
export class CandleAggregator {
  private readonly series = new Map<string, Map<CandleInterval, CandleSeries>>();
  /** Symbols whose exchange sends its own bars, and of which interval. */
  private readonly barIntervals = new Map<string, CandleInterval>();
  readonly options: CandleAggregatorOptions;

  constructor(options: Partial<CandleAggregatorOptions> = {}) {
    this.options = { ...DEFAULT_CANDLE_AGGREGATOR_OPTIONS, ...options };
  }

  /**
   * Feeds one price observation; `quantity` is the traded size when the tick is a trade.
   * Returns the candles it closed: a tick of a later interval closes the open one. An asset's
   * tick names its `origin`, the source symbol, whose ticks must have been fed first.
   */
  apply(
    symbol: string,
    price: string,
    quantity: string | undefined,
    time: number,
    origin?: string,
  ): ClosedCandle[] {
    const bySymbol = this.seriesOf(symbol);
    const barInterval = this.barIntervals.get(symbol);
    const closed: ClosedCandle[] = [];
    for (const [interval, series] of bySymbol) {
      // Longer intervals of a bar-fed symbol are folded from its bars, not built from ticks.
      if (barInterval !== undefined && CANDLE_INTERVAL_MS[interval] > CANDLE_INTERVAL_MS[barInterval])
        continue;
      const sourceCandle =
        origin === undefined
          ? undefined
          : () => this.series.get(origin)?.get(interval)?.openWithCompleteness();
      const candle = series.apply(price, quantity, time, origin, sourceCandle);
      if (candle) closed.push(candle);
    }
    return closed;
  }

  /**
   * Closes every open candle whose interval ended more than `graceMs` before `now` without a
   * tick of a later interval (a quiet market still closes its candles on time).
   */
  closeDue(
    now: number,
    graceMs: number = DEFAULT_CANDLE_CLOSE_GRACE_MS,
    barWaitMs: number = DEFAULT_EXCHANGE_BAR_WAIT_MS,
  ): ClosedCandle[] {
    const closed: ClosedCandle[] = [];
    for (const [symbol, bySymbol] of this.series) {
      const barInterval = this.barIntervals.get(symbol);
      // Intervals run shortest first: a bar-fed close is folded before the longer ones are checked.
      for (const [interval, series] of bySymbol) {
        if (barInterval === undefined || interval === barInterval) {
          const candles = series.closeIfDue(now, graceMs, barWaitMs);
          closed.push(...candles);
          if (interval === barInterval) closed.push(...this.foldIntoLonger(bySymbol, barInterval, candles));
        } else if (CANDLE_INTERVAL_MS[interval] > CANDLE_INTERVAL_MS[barInterval]) {
          // A longer candle waits as long as its last bar may.
          closed.push(...series.closeIfDue(now, graceMs + barWaitMs, barWaitMs));
        }
      }
    }
    return closed;
  }

  /**
   * Feeds an exchange's own bar of one interval (see {@link ExchangeBar}); from now on the
   * symbol's candles of that interval close as its bars, and the longer ones fold them. Returns
   * the candles it closed, shortest interval first. A bar of an interval not kept is ignored.
   */
  applyBar(symbol: string, bar: ExchangeBar): ClosedCandle[] {
    const bySymbol = this.seriesOf(symbol);
    const series = bySymbol.get(bar.interval);
    if (!series || bar.openTime % CANDLE_INTERVAL_MS[bar.interval] !== 0) return [];
    this.barIntervals.set(symbol, bar.interval);
    const closed = series.applyBar(bar);
    return [...closed, ...this.foldIntoLonger(bySymbol, bar.interval, closed)];
  }

  /** Closes of the bar-fed interval folded into every longer interval it divides. */
  private foldIntoLonger(
    bySymbol: Map<CandleInterval, CandleSeries>,
    barInterval: CandleInterval,
    finer: readonly ClosedCandle[],
  ): ClosedCandle[] {
    const closed: ClosedCandle[] = [];
    const length = CANDLE_INTERVAL_MS[barInterval];
    for (const [interval, series] of bySymbol) {
      const longer = CANDLE_INTERVAL_MS[interval];
      if (longer <= length || longer % length !== 0) continue;
      for (const candle of finer) {
        const folded = series.applyFinerClose(candle);
        if (folded) closed.push(folded);
      }
    }
    return closed;
  }

  private seriesOf(symbol: string): Map<CandleInterval, CandleSeries> {
    let bySymbol = this.series.get(symbol);
    if (!bySymbol) {
      bySymbol = new Map();
      const shortestFirst = [...this.options.intervals].sort(
        (a, b) => CANDLE_INTERVAL_MS[a] - CANDLE_INTERVAL_MS[b],
      );
      for (const interval of shortestFirst) {
        bySymbol.set(interval, new CandleSeries(symbol, interval, this.options.historyLimit));
      }
      this.series.set(symbol, bySymbol);
    }
    return bySymbol;
  }

  /** The open candle of a series (a copy); undefined when it has none right now. */
  openCandle(symbol: string, interval: CandleInterval): Candle | undefined {
    return this.series.get(symbol)?.get(interval)?.open();
  }

  /** Candles oldest first; empty when the symbol or interval has none yet. */
  candles(symbol: string, interval: CandleInterval, limit = this.options.historyLimit): Candle[] {
    return this.series.get(symbol)?.get(interval)?.list(Math.min(limit, this.options.historyLimit)) ?? [];
  }
}
