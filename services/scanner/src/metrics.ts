/**
 * Every metric the scanner exports (`tickwire_scanner_`), created once on the process registry
 * and passed to the components that update them.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { HeartbeatReading } from '@tickwire/cluster';
import { METRIC_PREFIX } from '@tickwire/observability';

const name = (suffix: string) => `${METRIC_PREFIX}scanner_${suffix}`;

/** A scan takes milliseconds with a few strategies, seconds with thousands. */
const SCAN_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export interface ScannerMetricsSources {
  /** This replica's SCAN_INTERVAL_MS. */
  scanIntervalMs: number;
  /** The latest reading of the active scanner's heartbeat (the watch every replica runs). */
  heartbeat(): HeartbeatReading;
}

export function createScannerMetrics(registry: Registry, sources: ScannerMetricsSources) {
  const registers = [registry];
  const scanInterval = new Gauge({
    name: name('scan_interval_seconds'),
    help: "This replica's SCAN_INTERVAL_MS in seconds: the heartbeat is late after two of them.",
    registers,
  });
  scanInterval.set(sources.scanIntervalMs / 1000);
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
    evaluations: new Counter({
      name: name('evaluations_total'),
      help: 'Strategy evaluations on one candle of one symbol (closed or open).',
      registers,
    }),
    signals: new Counter({
      name: name('signal_appends_total'),
      help: 'Signals met by a strategy, by what the signal log did with them: stored, duplicate (stored before: a replay) or cooldown (refused).',
      labelNames: ['outcome'],
      registers,
    }),
    enqueued: new Counter({
      name: name('signals_enqueued_total'),
      help: 'Signals handed to a destination queue, by outcome (queued, duplicate, disabled, full).',
      labelNames: ['outcome'],
      registers,
    }),
    evaluationErrors: new Counter({
      name: name('evaluation_errors_total'),
      help: 'Series whose evaluation failed (a Redis read or write); retried at the next close or scan.',
      registers,
    }),
    series: new Gauge({
      name: name('series'),
      help: 'Candle series (symbol, interval) the active scanner holds in memory.',
      registers,
    }),
    closeToSignal: new Histogram({
      name: name('close_to_signal_seconds'),
      help: "From a candle's close time to its signal's store (closed candles, live closes only).",
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    signalsDetected: new Counter({
      name: name('signals_detected_total'),
      help: "Signals this replica's scans detected.",
      registers,
    }),
    // A timestamp rather than an age: Prometheus computes the age (time() - it) at any moment,
    // and every replica reports the heartbeat it reads, so the value outlives the active one.
    lastScan: new Gauge({
      name: name('last_scan_timestamp_seconds'),
      help: "When the active scanner's last scan finished, as its heartbeat in Redis says (Unix seconds; 0: no heartbeat).",
      registers,
      collect() {
        const reading = sources.heartbeat();
        // Unread or unreadable (Redis away): the last value stands; its age keeps growing.
        if (reading.state !== 'read') return;
        this.set(reading.heartbeat ? Date.parse(reading.heartbeat.lastScanAt) / 1000 : 0);
      },
    }),
    scanInterval,
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
