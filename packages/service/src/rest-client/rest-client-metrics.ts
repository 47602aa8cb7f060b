/**
 * The REST client's metrics, created once on the process registry by the service and passed
 * in, so every service reports its REST traffic under the same names.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { METRIC_PREFIX } from '@tickwire/observability';

/** Outcomes of `tickwire_rest_requests_total`: sent attempts first, then calls that sent nothing. */
export const RestOutcome = {
  Ok: 'ok',
  HttpError: 'http-error',
  Timeout: 'timeout',
  Network: 'network',
  TooLarge: 'too-large',
  RateLimited: 'rate-limited',
  Banned: 'banned',
  /** Not sent: the venue holds us back (429 or ban still running). */
  Held: 'held',
  /** Not sent: this process's share of the budget is spent. */
  BudgetExhausted: 'budget-exhausted',
  /** Not sent: an identical request was in flight and its answer was shared. */
  Shared: 'shared',
} as const;

export type RestOutcome = (typeof RestOutcome)[keyof typeof RestOutcome];

/** A venue answers within a few ms locally and up to the timeout (5 s by default) far away. */
const DURATION_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createRestClientMetrics(registry: Registry) {
  const registers = [registry];
  return {
    requests: new Counter({
      name: `${METRIC_PREFIX}rest_requests_total`,
      help: 'REST calls by venue, caller and outcome: each attempt sent (ok, http-error, timeout, network, too-large, rate-limited, banned) and each call not sent (held, budget-exhausted, shared).',
      labelNames: ['venue', 'caller', 'outcome'],
      registers,
    }),
    usedWeight: new Gauge({
      name: `${METRIC_PREFIX}rest_used_weight`,
      help: 'REST budget used in the current window per venue and window length (s): counted before sending, raised to what the venue reports.',
      labelNames: ['venue', 'window_seconds'],
      registers,
    }),
    duration: new Histogram({
      name: `${METRIC_PREFIX}rest_request_duration_seconds`,
      help: 'REST attempts from sending to the whole body read (or failure), per venue.',
      labelNames: ['venue'],
      buckets: DURATION_BUCKETS_SECONDS,
      registers,
    }),
  };
}

export type RestClientMetrics = ReturnType<typeof createRestClientMetrics>;
