/**
 * OHLCV candles aggregated from ticks, per symbol and interval, with a bounded history per
 * timeframe. Candles are aligned to UTC interval boundaries of the exchange event time.
 */
import { addDecimal, compareDecimal } from './decimal';

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
      const closed = current ? this.close(current) : undefined;
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

  /** Closes the open candle when `now` is `graceMs` past its end and no later tick closed it. */
  closeIfDue(now: number, graceMs: number): ClosedCandle | undefined {
    const current = this.current;
    if (!current || now <= current.closeTime + graceMs) return undefined;
    this.current = undefined;
    return this.close(current);
  }

  /** The open candle (a copy), if any. */
  open(): Candle | undefined {
    return this.current ? { ...this.current } : undefined;
  }

  private close(candle: Candle): ClosedCandle {
    this.closed.push(candle);
    this.lastClosedOpenTime = candle.openTime;
    // `limit` counts the open candle too, so the API's `limit=500` returns the whole history.
    const keep = Math.max(0, this.limit - 1);
    if (this.closed.length > keep) this.closed.splice(0, this.closed.length - keep);
    return { candle: { ...candle }, complete: this.currentComplete };
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
    let bySymbol = this.series.get(symbol);
    if (!bySymbol) {
      bySymbol = new Map();
      for (const interval of this.options.intervals) {
        bySymbol.set(interval, new CandleSeries(symbol, interval, this.options.historyLimit));
      }
      this.series.set(symbol, bySymbol);
    }
    const closed: ClosedCandle[] = [];
    for (const [interval, series] of bySymbol) {
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
  closeDue(now: number, graceMs: number = DEFAULT_CANDLE_CLOSE_GRACE_MS): ClosedCandle[] {
    const closed: ClosedCandle[] = [];
    for (const bySymbol of this.series.values()) {
      for (const series of bySymbol.values()) {
        const candle = series.closeIfDue(now, graceMs);
        if (candle) closed.push(candle);
      }
    }
    return closed;
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
