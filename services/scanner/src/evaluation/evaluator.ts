/**
 * The active scanner's evaluation: every strategy on every closed candle of the series it
 * watches, at the candle's close (the cluster announces closes) and, as a safety net, on the
 * periodic scan, which also catches up what a missed announcement or a failover left out and
 * evaluates open candles for the strategies that ask. Series are worked on with bounded
 * concurrency; indicators are incremental (see CandleSeries), so a scan costs the new candles
 * only. Signals go to the SignalEmitter; a refused (fenced) write ends the scan with the error,
 * so the scan loop steps the replica down.
 */
import { isNotLeaderError } from '@tickwire/cluster';
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
export interface CandleSource {
  onClose(listener: (candle: Candle) => void): () => void;
  open(symbol: string, interval: Candle['interval']): Candle | undefined;
}

export interface EvaluatorOptions {
  index: Pick<StrategyIndex, 'current'>;
  book: SeriesBook;
  source: CandleSource;
  emitter: Pick<SignalEmitter, 'emit'>;
  /** Series evaluated at once during a scan. */
  concurrency: number;
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
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Open-candle signals already emitted: `<strategy> <symbol>` -> candle open time. */
  private readonly firedOpen = new Map<string, number>();

  constructor(private readonly options: EvaluatorOptions) {
    this.now = options.now ?? Date.now;
  }

  async start(): Promise<void> {
    this.unsubscribe ??= this.options.source.onClose((candle) => this.track(this.onClose(candle)));
  }

  /** Stops following closes and waits for the evaluations under way. */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    await Promise.allSettled([...this.inFlight]);
  }

  /** One pass over every watched series; resolves with the signals stored. Throws NotLeaderError when fenced. */
  async scan(): Promise<ScanOutcome> {
    const { index, book, concurrency, metrics } = this.options;
    const watched = [...(await index.current()).values()];
    book.retain(new Set(watched.map((series) => series.key)));
    let signalsDetected = 0;
    let failed = 0;
    let fenced: Error | undefined;
    let next = 0;
    const worker = async () => {
      while (next < watched.length && fenced === undefined) {
        const series = watched[next++]!;
        try {
          signalsDetected += await this.evaluateSeries(series, undefined, true);
        } catch (error) {
          if (isNotLeaderError(error)) fenced = error;
          else {
            failed++;
            metrics.evaluationErrors.inc();
            this.options.logger.warn({ err: error, series: series.key }, 'series evaluation failed');
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, watched.length) }, worker));
    metrics.series.set(book.size());
    if (fenced !== undefined) throw fenced;
    return { signalsDetected, status: failed > 0 ? 'degraded' : 'ok' };
  }

  private async onClose(candle: Candle): Promise<void> {
    const { metrics, logger } = this.options;
    try {
      const watched = (await this.options.index.current()).get(seriesKey(candle.symbol, candle.interval));
      if (watched) await this.evaluateSeries(watched, candle, false);
    } catch (error) {
      if (isNotLeaderError(error)) {
        metrics.fencedWrites.inc();
        this.options.onFenced(error.message);
        return;
      }
      metrics.evaluationErrors.inc();
      // The next scan catches the series up: nothing is lost, only later.
      logger.warn(
        { err: error, symbol: candle.symbol, interval: candle.interval },
        'close evaluation failed',
      );
    }
  }

  /** Evaluates the series' new closed candles (and its open one on a scan); emits what fired. */
  private async evaluateSeries(
    watched: WatchedSeries,
    hint: Candle | undefined,
    withOpen: boolean,
  ): Promise<number> {
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
    let stored = 0;
    for (const { strategy, signal } of detected) {
      if ((await this.options.emitter.emit(strategy, signal)) === 'stored') stored++;
    }
    return stored;
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

  private track(work: Promise<unknown>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }
}
