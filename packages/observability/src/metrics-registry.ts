/**
 * One prom-client Registry per process, with the default process metrics under the
 * `tickwire_` prefix. Metric definitions live with the component that updates them.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';

export const METRIC_PREFIX = 'tickwire_';

/**
 * prom-client's default metrics name three values `*_total` although they are gauges or
 * counters without the conventions `promtool check metrics` expects; these, and only these,
 * are allowed to break the lint.
 */
export const DEFAULT_METRICS_LINT_ALLOW_LIST = [
  `${METRIC_PREFIX}process_cpu_user_seconds_total`,
  `${METRIC_PREFIX}process_cpu_system_seconds_total`,
  `${METRIC_PREFIX}process_cpu_seconds_total`,
] as const;

export interface MetricsRegistryOptions {
  /** Collect Node's default process metrics (CPU, memory, event loop lag, GC). */
  defaultMetrics: boolean;
  labels?: Record<string, string>;
}

export function createMetricsRegistry(options: MetricsRegistryOptions = { defaultMetrics: true }): Registry {
  const registry = new Registry();
  if (options.labels) registry.setDefaultLabels(options.labels);
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  return registry;
}
