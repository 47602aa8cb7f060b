/**
 * The memory engine's candle history: per series a map open time -> candle, the in-process
 * equivalent of the Redis sorted sets, covered ranges and closes stream, with the same rules
 * (idempotent by open time, bounded, leader only).
 */
import { CANDLE_INTERVAL_MS, type Candle } from '@tickwire/core';
import type {
  CandleAppend,
  CandleBackfillRefusal,
  CandleCloseEntry,
  CandleCloseListener,
  CandleHistory,
  CandleRange,
  CandleSeriesKey,
} from '../engine';
import {
  defaultCoveredRange,
  DEFAULT_RETAINED_CANDLES,
  DEFAULT_RETAINED_CLOSES,
} from '../candle-history-options';
import { mergeCandleRanges } from '../candle-ranges';
import { compareStreamIds, parseStreamId, StreamIdGenerator } from '../stream-id';
import { NotLeaderError } from '../redis/errors';

export interface MemoryCandleHistoryOptions {
  retainedCandles: number;
  retainedCloses: number;
  now: () => number;
}

export const DEFAULT_MEMORY_CANDLE_HISTORY_OPTIONS: MemoryCandleHistoryOptions = {
  retainedCandles: DEFAULT_RETAINED_CANDLES,
  retainedCloses: DEFAULT_RETAINED_CLOSES,
  now: () => Date.now(),
};

const fieldOf = ({ symbol, interval }: CandleSeriesKey) => `${interval}|${symbol}`;

export class MemoryCandleHistory implements CandleHistory {
  readonly retainedCandles: number;
  private readonly options: MemoryCandleHistoryOptions;
  private readonly series = new Map<string, Map<number, Candle>>();
  private readonly covers = new Map<string, CandleRange[]>();
  private readonly requests = new Map<string, CandleSeriesKey>();
  private readonly refusals = new Map<string, CandleBackfillRefusal>();
  private readonly closes: CandleCloseEntry[] = [];
  private readonly listeners = new Set<CandleCloseListener>();
  private readonly ids = new StreamIdGenerator();

  /** @param isLeader the election's check: appends from a pod that does not lead are refused. */
  constructor(
    private readonly isLeader: () => boolean,
    options: Partial<MemoryCandleHistoryOptions> = {},
  ) {
    this.options = { ...DEFAULT_MEMORY_CANDLE_HISTORY_OPTIONS, ...options };
    this.retainedCandles = this.options.retainedCandles;
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {
    this.listeners.clear();
  }

  async appendClosed(append: CandleAppend): Promise<Candle[]> {
    if (!this.isLeader()) throw new NotLeaderError('append candles', 'memory');
    const field = fieldOf(append);
    let candles = this.series.get(field);
    if (!candles) this.series.set(field, (candles = new Map<number, Candle>()));
    const stored: Candle[] = [];
    for (const candle of append.candles) {
      if (candles.has(candle.openTime)) continue;
      candles.set(candle.openTime, candle);
      stored.push(candle);
    }
    const byAge = [...candles.keys()].sort((a, b) => a - b);
    for (const openTime of byAge.slice(0, Math.max(0, byAge.length - this.retainedCandles)))
      candles.delete(openTime);
    const covers = append.covers ?? defaultCoveredRange(append.candles.map((candle) => candle.openTime));
    if (covers) {
      const intervalMs = CANDLE_INTERVAL_MS[append.interval];
      this.covers.set(
        field,
        mergeCandleRanges(this.covers.get(field) ?? [], covers, intervalMs, this.retainedCandles),
      );
    }
    if (append.source === 'backfill') this.requests.delete(field);
    else for (const candle of stored) this.announce(candle);
    return stored;
  }

  async closed(series: CandleSeriesKey, limit: number): Promise<Candle[]> {
    const candles = [...(this.series.get(fieldOf(series))?.values() ?? [])];
    candles.sort((a, b) => a.openTime - b.openTime);
    return candles.slice(Math.max(0, candles.length - limit));
  }

  async covered(series: CandleSeriesKey): Promise<CandleRange[]> {
    return (this.covers.get(fieldOf(series)) ?? []).map((range) => ({ ...range }));
  }

  async closesAfter(afterId: string | undefined, count: number): Promise<CandleCloseEntry[]> {
    const after = afterId === undefined ? undefined : parseStreamId(afterId);
    if (afterId !== undefined && !after) throw new TypeError(`not a stream id: ${JSON.stringify(afterId)}`);
    const later = after
      ? this.closes.filter((entry) => compareStreamIds(parseStreamId(entry.id)!, after) > 0)
      : this.closes;
    return later.slice(0, count);
  }

  onClose(listener: CandleCloseListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async requestBackfill(series: CandleSeriesKey): Promise<void> {
    this.requests.set(fieldOf(series), { symbol: series.symbol, interval: series.interval });
  }

  async backfillRequests(): Promise<CandleSeriesKey[]> {
    return [...this.requests.values()];
  }

  async refuseBackfill(series: CandleSeriesKey, refusal: CandleBackfillRefusal): Promise<void> {
    const { code, message, until } = refusal;
    this.refusals.set(fieldOf(series), { code, message, until });
    this.requests.delete(fieldOf(series));
  }

  async backfillRefusal(series: CandleSeriesKey): Promise<CandleBackfillRefusal | undefined> {
    const refusal = this.refusals.get(fieldOf(series));
    return refusal && refusal.until > this.options.now() ? { ...refusal } : undefined;
  }

  private announce(candle: Candle): void {
    this.closes.push({ id: this.ids.next(this.options.now()), candle });
    if (this.closes.length > this.options.retainedCloses) this.closes.shift();
    // Asynchronously, as pub/sub delivers them in the Redis engine.
    queueMicrotask(() => {
      for (const listener of this.listeners) listener(candle);
    });
  }
}
