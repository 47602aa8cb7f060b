/**
 * Every metric the market-data pod exports, created once on the process registry and passed
 * to the components that update them (STYLE rule 12).
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { METRIC_PREFIX } from '@tickwire/observability';
import { createRestClientMetrics } from '@tickwire/service';

const name = (suffix: string) => `${METRIC_PREFIX}${suffix}`;

/** Tick latency from the exchange's event time to the hub, in seconds. */
const LATENCY_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** Hub queueing before a write: a few ms when idle, up to about one pass over 10,000 clients under load. */
const FANOUT_DELAY_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
const HTTP_BUCKETS_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

export function createPodMetrics(registry: Registry) {
  const registers = [registry];
  return {
    upstreamConnected: new Gauge({
      name: name('upstream_connected'),
      help: '1 while this pod holds an open exchange WebSocket.',
      labelNames: ['exchange'],
      registers,
    }),
    upstreamMessages: new Counter({
      name: name('upstream_messages_total'),
      help: 'Exchange WebSocket frames received, by parsed type.',
      labelNames: ['exchange', 'type'],
      registers,
    }),
    upstreamReconnects: new Counter({
      name: name('upstream_reconnects_total'),
      help: 'Exchange WebSocket reconnects, by reason.',
      labelNames: ['exchange', 'reason'],
      registers,
    }),
    upstreamConnections: new Gauge({
      name: name('upstream_connections'),
      help: 'Exchange WebSocket connections this pod holds open (one per shard of up to 1024 streams).',
      labelNames: ['exchange'],
      registers,
    }),
    upstreamSymbols: new Gauge({
      name: name('upstream_symbols'),
      help: 'Symbols subscribed on the exchange by this pod (configured and wanted by clients).',
      labelNames: ['exchange'],
      registers,
    }),
    upstreamSymbolsRefused: new Counter({
      name: name('upstream_symbols_refused_total'),
      help: 'Wanted symbols not subscribed because the exchange connection limits were reached.',
      labelNames: ['exchange'],
      registers,
    }),
    upstreamControlFrames: new Counter({
      name: name('upstream_control_frames_total'),
      help: 'Subscribe and unsubscribe frames sent to the exchange (paced under its message limit).',
      labelNames: ['exchange', 'method'],
      registers,
    }),
    upstreamResubscribes: new Counter({
      name: name('upstream_resubscribes_total'),
      help: 'Symbols re-subscribed by the per-symbol watchdog after an open stream stayed silent.',
      labelNames: ['exchange'],
      registers,
    }),
    upstreamRotations: new Counter({
      name: name('upstream_rotations_total'),
      help: 'Exchange connections replaced make-before-break, by reason: rotation (age) or shutdown-notice.',
      labelNames: ['exchange', 'reason'],
      registers,
    }),
    upstreamBreakerState: new Gauge({
      name: name('upstream_breaker_state'),
      help: 'Connect circuit breaker per exchange: 0 closed, 1 half-open, 2 open.',
      labelNames: ['exchange'],
      registers,
    }),
    upstreamBreakerEvents: new Counter({
      name: name('upstream_breaker_events_total'),
      help: 'Connect circuit breaker events: open, halfOpen, close, reject, failure, success.',
      labelNames: ['exchange', 'event'],
      registers,
    }),
    /** Every REST call of the pod (REST fallback, symbol catalog), by exchange and caller. */
    rest: createRestClientMetrics(registry),
    upstreamErrorFrames: new Counter({
      name: name('upstream_error_frames_total'),
      help: 'Error frames the exchange sent, by code.',
      labelNames: ['exchange', 'code'],
      registers,
    }),
    ticksPublished: new Counter({
      name: name('ticks_published_total'),
      help: 'Normalized tickers the leader published.',
      registers,
    }),
    publishErrors: new Counter({
      name: name('publish_errors_total'),
      help: 'Batches the leader failed to publish.',
      registers,
    }),
    tickLatency: new Histogram({
      name: name('tick_latency_seconds'),
      help: 'Exchange event time to hub apply, per ticker.',
      buckets: LATENCY_BUCKETS_SECONDS,
      registers,
    }),
    sseClients: new Gauge({ name: name('sse_clients'), help: 'Open SSE streams.', registers }),
    // Alerts and dashboards compare sse_clients with it, whatever SSE_MAX_CLIENTS each pod has.
    sseMaxClients: new Gauge({
      name: name('sse_max_clients'),
      help: 'SSE_MAX_CLIENTS: the open SSE streams beyond which new ones get 503.',
      registers,
    }),
    sseConnections: new Counter({
      name: name('sse_connections_total'),
      help: 'SSE streams opened.',
      registers,
    }),
    sseDetach: new Counter({
      name: name('sse_detach_total'),
      help: "SSE streams by whether they left node's HTTP server: detached, or kept (unsupported node, queued head, closed first).",
      labelNames: ['outcome'],
      registers,
    }),
    sseRejected: new Counter({
      name: name('sse_rejected_total'),
      help: 'SSE streams refused, by reason.',
      labelNames: ['reason'],
      registers,
    }),
    sseRevoked: new Counter({
      name: name('sse_revoked_total'),
      help: 'SSE streams ended because the API key whose token opened them was revoked.',
      registers,
    }),
    streamAccessErrors: new Counter({
      name: name('stream_access_errors_total'),
      help: 'Streams let through on their token alone: Redis could not be asked about their quota and revocation.',
      registers,
    }),
    sseEvents: new Counter({
      name: name('sse_events_total'),
      help: 'SSE events written to clients, by event type.',
      labelNames: ['event'],
      registers,
    }),
    sseBytes: new Counter({
      name: name('sse_bytes_total'),
      help: 'Bytes written to SSE clients.',
      registers,
    }),
    sseConflated: new Counter({
      name: name('sse_conflated_events_total'),
      help: 'Events replaced by a newer value for a slow or throttled client before being sent.',
      registers,
    }),
    sseStuckClients: new Gauge({
      name: name('sse_stuck_clients'),
      help: 'SSE clients over their buffer limit (conflated) at the last sweep, not yet cut.',
      registers,
    }),
    sseFanoutDelay: new Histogram({
      name: name('sse_fanout_delay_seconds'),
      help: 'Per group flush: how long its oldest event waited in the hub for its turn to be written.',
      buckets: FANOUT_DELAY_BUCKETS_SECONDS,
      registers,
    }),
    sseResumes: new Counter({
      name: name('sse_resumes_total'),
      help: 'Streams opened with Last-Event-ID, by result: replayed, not-recovered (snapshot), shed (too many replays at once; snapshot).',
      labelNames: ['result'],
      registers,
    }),
    sseSlowDisconnects: new Counter({
      name: name('sse_slow_client_disconnects_total'),
      help: 'SSE clients cut because they stayed over their buffer limit.',
      registers,
    }),
    leader: new Gauge({ name: name('leader'), help: '1 while this pod is the leader.', registers }),
    leaderEpoch: new Gauge({
      name: name('leader_epoch'),
      help: 'Fencing epoch of the leadership this pod knows of.',
      registers,
    }),
    leaderTransitions: new Counter({
      name: name('leader_transitions_total'),
      help: 'Role changes of this pod, by the role it took.',
      labelNames: ['role'],
      registers,
    }),
    fencedWrites: new Counter({
      name: name('fenced_writes_total'),
      help: 'Leader writes refused because this pod no longer held the lease.',
      registers,
    }),
    assetSwitches: new Counter({
      name: name('asset_switches_total'),
      help: 'Times the leader moved an asset to another of its sources, by asset and the source it took.',
      labelNames: ['asset', 'source'],
      registers,
    }),
    streamLag: new Histogram({
      name: name('stream_lag_seconds'),
      help: 'Age of each batch when this pod applied it (stream id time to hub).',
      buckets: LATENCY_BUCKETS_SECONDS,
      registers,
    }),
    httpRequests: new Counter({
      name: name('http_requests_total'),
      help: 'HTTP requests, by route and status code.',
      labelNames: ['route', 'status'],
      registers,
    }),
    httpDuration: new Histogram({
      name: name('http_request_duration_seconds'),
      help: 'HTTP request duration (for SSE: until headers are sent).',
      labelNames: ['route'],
      buckets: HTTP_BUCKETS_SECONDS,
      registers,
    }),
    history: createHistoryMetrics(registers),
  };
}

/** The leader's writes to the history database (HISTORY_DATABASE_URL). */
function createHistoryMetrics(registers: Registry[]) {
  return {
    rowsWritten: new Counter({
      name: name('history_rows_written_total'),
      help: 'Candle rows the history database did not hold yet and stored (replays insert none).',
      registers,
    }),
    writeBatches: new Counter({
      name: name('history_write_batches_total'),
      help: 'Write transactions committed to the history database.',
      registers,
    }),
    writeFailures: new Counter({
      name: name('history_write_failures_total'),
      help: 'History write transactions not committed: error (database down or failing), fenced (a later leader wrote, or the lease lapsed).',
      labelNames: ['reason'],
      registers,
    }),
    queueDepth: new Gauge({
      name: name('history_queue_depth'),
      help: 'Backfilled candles waiting in memory for the history database.',
      registers,
    }),
    dropped: new Counter({
      name: name('history_dropped_total'),
      help: 'Backfilled candles dropped from the full queue while the database was down (copied again from the Redis series when it answers).',
      registers,
    }),
    streamGaps: new Counter({
      name: name('history_stream_gaps_total'),
      help: 'Times the Redis closes stream had been trimmed past the history cursor (closes missing from it are copied from the Redis series).',
      registers,
    }),
    rowsDeleted: new Counter({
      name: name('history_rows_deleted_total'),
      help: 'Candle rows deleted by retention (HISTORY_RETENTION), by interval.',
      labelNames: ['interval'],
      registers,
    }),
  };
}

export type HistoryMetrics = ReturnType<typeof createHistoryMetrics>;

export type PodMetrics = ReturnType<typeof createPodMetrics>;
