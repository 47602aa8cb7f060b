/**
 * Every metric the scanner exports (`tickwire_scanner_`), created once on the process registry
 * and passed to the components that update them.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { METRIC_PREFIX } from '@tickwire/observability';

const name = (suffix: string) => `${METRIC_PREFIX}scanner_${suffix}`;

/** A scan takes milliseconds with a few strategies, seconds with thousands. */
const SCAN_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function createScannerMetrics(registry: Registry) {
  const registers = [registry];
  return {
    active: new Gauge({
      name: name('active'),
      help: '1 while this replica is the active scanner.',
      registers,
    }),
    epoch: new Gauge({ name: name('epoch'), help: 'Election epoch this replica last saw.', registers }),
    roleChanges: new Counter({
      name: name('role_changes_total'),
      help: 'Times this replica became active or standby.',
      labelNames: ['role'],
      registers,
    }),
    scans: new Counter({
      name: name('scans_total'),
      help: 'Scans run by this replica, by outcome (ok, degraded, failed).',
      labelNames: ['outcome'],
      registers,
    }),
    scanDuration: new Histogram({
      name: name('scan_duration_seconds'),
      help: 'Time one scan took.',
      buckets: SCAN_BUCKETS_SECONDS,
      registers,
    }),
    fencedWrites: new Counter({
      name: name('fenced_writes_total'),
      help: 'Writes refused because this replica was no longer the active scanner.',
      registers,
    }),
    signalStreamClients: new Gauge({
      name: name('signal_stream_clients'),
      help: 'Open signal streams (GET /v1/signals/stream) on this replica.',
      registers,
    }),
    signalStreamEvents: new Counter({
      name: name('signal_stream_events_total'),
      help: 'Signal events written to stream clients, by source (live, or replay after Last-Event-ID).',
      labelNames: ['source'],
      registers,
    }),
    signalStreamDropped: new Counter({
      name: name('signal_stream_dropped_clients_total'),
      help: 'Signal streams cut because the client stopped reading (unsent bytes over the limit).',
      registers,
    }),
    signalStreamRejected: new Counter({
      name: name('signal_stream_rejected_total'),
      help: 'Signal streams refused before they opened, by reason.',
      labelNames: ['reason'],
      registers,
    }),
  };
}

export type ScannerMetrics = ReturnType<typeof createScannerMetrics>;
