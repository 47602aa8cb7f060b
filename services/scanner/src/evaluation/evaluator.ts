/**
 * The active scanner's evaluation: every strategy on every closed candle of the series it
 * watches. Closes are read from the cluster's closes stream, in order, from a cursor: woken by
 * each close announcement, and on every scan as a safety net (announcements are lossy). After
 * a failover the cursor starts at `evaluateFrom`, so closes the previous active scanner may have
 * missed are evaluated again (what it stored is deduplicated by the signal log). The periodic
 * scan also evaluates open candles for the strategies that ask, and catches up series whose
 * newest candle is older than the clock allows. Series are worked on with bounded concurrency;
 * indicators are incremental (see CandleSeries), so a close costs its own evaluation only.
 * Signals go to the SignalEmitter; a refused (fenced) write steps the replica down.
 */
import { isNotLeaderError } from '@tickwire/cluster';
import type { CandleHistory } from '@tickwire/cluster';
import type { Candle, Lifecycle } from '@tickwire/core';
import type { Logger } from '@tickwire/observability';
import type { ScannerMetrics } from '../metrics';
import type { ScanOutcome } from '../role';
import { signalId, type Signal } from '../signals/signal';
import type { Strategy } from '../store';
import { evaluate, type SeriesView } from '../strategy';
import type { SeriesBook } from './series-book';
import type { SignalEmitter } from './signal-emitter';
import { seriesKey, type StrategyIndex, type WatchedSeries } from './strategy-index';

/** Where closes and open candles come from (the cluster's candle history and the scanner's candle book). */
export interface CandleSource extends Pick<CandleHistory, 'closesAfter'> {
  /** Announcements of closes (lossy: a wake-up, not the data). */
  onClose(listener: (candle: Candle) => void): () => void;
  open(symbol: string, interval: Candle['interval']): Candle | undefined;
}

/** Closes read from the stream per round trip. */
const CLOSES_PAGE = 1_000;

export interface EvaluatorOptions {
  index: Pick<StrategyIndex, 'current'>;
  book: SeriesBook;
  source: CandleSource;
  emitter: Pick<SignalEmitter, 'emit'>;
  /** Series evaluated at once. */
  concurrency: number;
  /** Closes stored from this time on (ms since the epoch) are evaluated. */
  evaluateFrom: number;
  /** Called when a write was refused because another replica is active now. */
  onFenced(reason: string): void;
  metrics: ScannerMetrics;
  logger: Logger;
  now?: () => number;
}

interface Detected {
  strategy: Strategy;
  signal: Signal;
}

export class Evaluator implements Lifecycle {
  private readonly now: () => number;
  private unsubscribe: (() => void) | undefined;
  /** The last close handled: its stream id. */
  private cursor: string;
  private pumping: Promise<void> | undefined;
  private pumpAgain = false;
  /** Signals stored since the last scan (what its heartbeat reports). */
  private storedSinceScan = 0;
  /** A series failed since the last scan (its heartbeat says degraded). */
  private failedSinceScan = false;
  private fencedError: Error | undefined;
  /** Open-candle signals already emitted: `<strategy> <symbol>` -> candle open time. */
  private readonly firedOpen = new Map<string, number>();

  constructor(private readonly options: EvaluatorOptions) {
    this.now = options.now ?? Date.now;
    this.cursor = `${Math.max(0, Math.floor(options.evaluateFrom))}-0`;
  }

  async start(): Promise<void> {
    this.unsubscribe ??= this.options.source.onClose(() => this.wake());
    this.wake();
  }

  /** Stops following closes and waits for the evaluation under way. */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.pumpAgain = false;
    await this.pumping;
  }

  /** Reads the closes stream now (or once more after the read under way). */
  wake(): void {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = this.pumpUntilIdle().finally(() => (this.pumping = undefined));
  }

  /**
   * One pass: the closes not read yet, then every watched series (open candles, lagging
   * series). Resolves with the signals stored since the last scan.
   */
  async scan(): Promise<ScanOutcome> {
    this.wake();
    await this.pumping;
    const { index, book, metrics } = this.options;
    const watched = [...(await index.current()).values()];
    book.retain(new Set(watched.map((series) => series.key)));
    await this.forEachBounded(watched, (series) => this.evaluateSeries(series, undefined, true));
    metrics.series.set(book.size());
    // When fenced, the replica is stepping down; the heartbeat write that follows is refused too.
    const outcome: ScanOutcome = {
      signalsDetected: this.storedSinceScan,
      status: this.failedSinceScan ? 'degraded' : 'ok',
    };
    this.storedSinceScan = 0;
    this.failedSinceScan = false;
    return outcome;
  }

  private async pumpUntilIdle(): Promise<void> {
    do {
      this.pumpAgain = false;
      try {
        await this.pump();
      } catch (error) {
        // The stream could not be read: the next wake-up or scan reads from the same cursor.
        this.failedSinceScan = true;
        this.options.metrics.evaluationErrors.inc();
        this.options.logger.warn({ err: error }, 'reading candle closes failed');
        return;
      }
    } while (this.pumpAgain && this.unsubscribe);
  }

  /** Evaluates every close after the cursor, in stream order per series, series in parallel. */
  private async pump(): Promise<void> {
    for (;;) {
      const page = await this.options.source.closesAfter(this.cursor, CLOSES_PAGE);
      if (page.length === 0) return;
      const series = await this.options.index.current();
      const bySeries = new Map<string, { watched: WatchedSeries; closes: Candle[] }>();
      for (const { candle } of page) {
        const watched = series.get(seriesKey(candle.symbol, candle.interval));
        if (!watched) continue;
        let group = bySeries.get(watched.key);
        if (!group) bySeries.set(watched.key, (group = { watched, closes: [] }));
        group.closes.push(candle);
      }
      await this.forEachBounded([...bySeries.values()], async ({ watched, closes }) => {
        for (const candle of closes) await this.evaluateSeries(watched, candle, false);
      });
      if (this.fencedError) return;
      this.cursor = page[page.length - 1]!.id;
      if (page.length < CLOSES_PAGE) return;
    }
  }

  /** Runs `work` on each item, `concurrency` at once; failures are counted; a fenced write steps down and stops. */
  private async forEachBounded<T>(items: readonly T[], work: (item: T) => Promise<unknown>): Promise<void> {
    const { concurrency, metrics, logger } = this.options;
    let next = 0;
    const worker = async () => {
      while (next < items.length && !this.fencedError) {
        const item = items[next++]!;
        try {
          await work(item);
        } catch (error) {
          if (isNotLeaderError(error)) {
            metrics.fencedWrites.inc();
            if (!this.fencedError) this.options.onFenced(error.message);
            this.fencedError = error;
          } else {
            this.failedSinceScan = true;
            metrics.evaluationErrors.inc();
            logger.warn({ err: error }, 'series evaluation failed');
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  }

  /** Evaluates the series' new closed candles (and its open one on a scan); emits what fired. */
  private async evaluateSeries(
    watched: WatchedSeries,
    hint: Candle | undefined,
    withOpen: boolean,
  ): Promise<void> {
    const detected: Detected[] = [];
    let evaluations = 0;
    const openStrategies = withOpen ? watched.strategies.filter((s) => s.document.openCandle) : [];
    await this.options.book.advance(
      watched,
      (view, candle) => {
        evaluations += watched.strategies.length;
        for (const strategy of watched.strategies)
          this.check(strategy, watched, view, candle, true, detected);
      },
      {
        ...(hint ? { hint } : {}),
        after: (series) => {
          if (openStrategies.length === 0) return;
          const open = this.options.source.open(watched.symbol, watched.interval);
          if (!open) return;
          series.setOpen(open);
          const view = series.view(true);
          if (view.current?.openTime !== open.openTime) return;
          for (const strategy of openStrategies) {
            const firedKey = `${strategy.id} ${watched.symbol}`;
            if (this.firedOpen.get(firedKey) === open.openTime) continue;
            evaluations++;
            if (this.check(strategy, watched, view, open, false, detected))
              this.firedOpen.set(firedKey, open.openTime);
          }
        },
      },
    );
    this.options.metrics.evaluations.inc(evaluations);
    for (const { strategy, signal } of detected) {
      if ((await this.options.emitter.emit(strategy, signal)) === 'stored') this.storedSinceScan++;
    }
  }

  /** Evaluates one strategy on `view`; records a signal when it is met. */
  private check(
    strategy: Strategy,
    watched: WatchedSeries,
    view: SeriesView,
    candle: Candle,
    candleClosed: boolean,
    detected: Detected[],
  ): boolean {
    const result = evaluate(strategy.document.when, view);
    if (!result.met) return false;
    detected.push({
      strategy,
      signal: {
        id: signalId(strategy.id, watched.symbol, watched.interval, candle.openTime),
        ownerId: strategy.ownerId,
        strategyId: strategy.id,
        strategyName: strategy.document.name,
        symbol: watched.symbol,
        interval: watched.interval,
        candleOpenTime: candle.openTime,
        candleClosed,
        close: candle.close,
        facts: result.facts,
        detectedAt: this.now(),
      },
    });
    return true;
  }
}
