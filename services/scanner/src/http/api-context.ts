/** What the scanner's HTTP layer needs; the scanner builds it, routes only read it. */
import type { Registry } from 'prom-client';
import type { ExchangeId } from '@tickwire/core';
import type { HealthReport, Logger } from '@tickwire/observability';
import type { Readiness } from '@tickwire/service';
import type { DeliveryQueue } from '../delivery';
import type { SignalStreamView } from '../signal-stream';
import type { SignalLog } from '../signals/signal-log';
import type { CatalogStore } from '../store';

export interface ApiContext {
  catalog: CatalogStore;
  /** Destinations' delivery state and dead letters (read only). */
  delivery: Pick<DeliveryQueue, 'states' | 'deadLetters'>;
  signals: SignalLog;
  /** Live signals over SSE (`/v1/signals/stream`). */
  signalStream: SignalStreamView;
  /** Exchange of bare watchlist symbols (DEFAULT_EXCHANGE). */
  defaultExchange: ExchangeId;
  registry: Registry;
  logger: Logger;
  corsOrigins: readonly string[];
  health(): HealthReport;
  readiness(): Readiness;
}
