/**
 * Candle aggregation from the distribution: the open candle of each symbol and interval, built
 * from the batches the distribution delivers (the same ticks on every pod and on the scanner),
 * and the closes. A candle
 * closes when a tick of a later interval arrives, or, in a quiet market, when a timer finds its
 * interval ended more than `graceMs` ago (late ticks get that long to land in it). Closes of a
 * series' first candle are not reported: the pod joined in its middle and missed trades. Only
 * the leader stores what closes (leader/candle-writer.ts); every pod serves its open candles.
 */
import {
  CandleAggregator,
  DEFAULT_CANDLE_CLOSE_GRACE_MS,
  DEFAULT_EXCHANGE_BAR_WAIT_MS,
  type Candle,
  type CandleInterval,
  type Lifecycle,
} from '@tickwire/core';
import type { TickBatch } from './engine';

/** How often quiet candles are looked for (ms): a close is at most this late after the grace. */
export const CANDLE_CLOSE_CHECK_MS = 500;

export type CandleCloseHandler = (candle: Candle) => void;

export interface CandleBookOptions {
  graceMs?: number;
  /** How long an ended candle of a bar-fed symbol waits for the exchange's bar (ms). */
  barWaitMs?: number;
  checkMs?: number;
  now?: () => number;
}

export class CandleBook implements Lifecycle {
  // Closed candles are the store's; the aggregator keeps only the open one per series.
  private readonly aggregator = new CandleAggregator({ historyLimit: 1 });
  private readonly handlers = new Set<CandleCloseHandler>();
  private readonly graceMs: number;
  private readonly barWaitMs: number;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: CandleBookOptions = {}) {
    this.graceMs = options.graceMs ?? DEFAULT_CANDLE_CLOSE_GRACE_MS;
    this.barWaitMs = options.barWaitMs ?? DEFAULT_EXCHANGE_BAR_WAIT_MS;
    this.now = options.now ?? Date.now;
  }

  async start(): Promise<void> {
    if (this.timer) return;
    this.timer = setInterval(() => this.closeDue(), this.options.checkMs ?? CANDLE_CLOSE_CHECK_MS);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  applyBatch(batch: TickBatch): void {
    for (const ticker of batch.tickers) {
      if (ticker.bar !== undefined) {
        // The exchange's bar is its candle, not a tick: its close, stamped with the bar's end,
        // is not a trade of the next interval. An asset's candles stay built from its ticks.
        if (ticker.origin === undefined) this.report(this.aggregator.applyBar(ticker.symbol, ticker.bar));
        continue;
      }
      if (ticker.last === undefined) continue;
      this.report(
        this.aggregator.apply(ticker.symbol, ticker.last, ticker.tradeQty, ticker.eventTime, ticker.origin),
      );
    }
  }

  /** Closes the candles whose interval ended more than the grace ago (the timer calls it). */
  closeDue(): void {
    this.report(this.aggregator.closeDue(this.now(), this.graceMs, this.barWaitMs));
  }

  /** The open candle of a series on this pod, if it has one. */
  open(symbol: string, interval: CandleInterval): Candle | undefined {
    return this.aggregator.openCandle(symbol, interval);
  }

  onClose(handler: CandleCloseHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  private report(closed: ReturnType<CandleAggregator['closeDue']>): void {
    for (const { candle, complete } of closed) {
      if (!complete) continue;
      for (const handler of this.handlers) handler(candle);
    }
  }
}
