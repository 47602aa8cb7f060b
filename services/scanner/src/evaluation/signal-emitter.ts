/**
 * What happens to a detected signal: the signal log stores it once (fenced, deduplicated, the
 * strategy's cooldown applied), then it is queued for each of the strategy's destinations. A
 * signal the log already holds is queued again all the same: the queues deduplicate per
 * destination, and a replay after a crash between the two steps must still deliver it.
 */
import { CANDLE_INTERVAL_MS } from '@tickwire/core';
import type { Logger } from '@tickwire/observability';
import type { DeliveryQueue } from '../delivery';
import type { ScannerMetrics } from '../metrics';
import type { Signal } from '../signals/signal';
import type { SignalLog } from '../signals/signal-log';
import type { Strategy } from '../store';

export type EmitOutcome = 'stored' | 'duplicate' | 'cooldown';

export interface SignalEmitterOptions {
  signals: Pick<SignalLog, 'append'>;
  queue: Pick<DeliveryQueue, 'enqueue'>;
  /** Called after signals were queued (wakes the delivery worker). */
  onQueued(): void;
  metrics: ScannerMetrics;
  logger: Logger;
}

export class SignalEmitter {
  constructor(private readonly options: SignalEmitterOptions) {}

  /** Throws NotLeaderError when this scanner is no longer the active one (nothing was stored). */
  async emit(strategy: Strategy, signal: Signal): Promise<EmitOutcome> {
    const { signals, queue, metrics, logger } = this.options;
    const result = await signals.append(signal, strategy.document.cooldownMs);
    const outcome: EmitOutcome = result.stored ? 'stored' : result.reason;
    metrics.signals.inc({ outcome });
    if (outcome === 'cooldown') return outcome;
    if (outcome === 'stored' && signal.candleClosed) {
      metrics.closeToSignal.observe(Math.max(0, Date.now() - candleCloseTime(signal)) / 1_000);
    }
    let queued = 0;
    for (const destinationId of strategy.destinationIds) {
      const enqueued = await queue.enqueue(destinationId, signal);
      metrics.enqueued.inc({ outcome: enqueued });
      if (enqueued === 'queued') queued++;
      if (enqueued === 'full') {
        logger.warn({ destinationId, signalId: signal.id }, 'delivery queue full: signal not queued');
      }
    }
    if (queued > 0) this.options.onQueued();
    if (outcome === 'stored') {
      logger.info(
        { signalId: signal.id, strategyId: signal.strategyId, symbol: signal.symbol, queued },
        'signal detected',
      );
    }
    return outcome;
  }
}

function candleCloseTime(signal: Signal): number {
  return signal.candleOpenTime + CANDLE_INTERVAL_MS[signal.interval];
}
