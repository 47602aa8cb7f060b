import { Counter } from 'prom-client';
import { createMetricsRegistry, DEFAULT_METRICS_LINT_ALLOW_LIST, METRIC_PREFIX } from './metrics-registry';

describe('the metrics registry', () => {
  it('collects the process metrics under the tickwire_ prefix by default', async () => {
    const names = (await createMetricsRegistry().getMetricsAsJSON()).map((metric) => metric.name);
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((name) => !name.startsWith(METRIC_PREFIX))).toEqual([]);
    expect(names).toEqual(expect.arrayContaining([...DEFAULT_METRICS_LINT_ALLOW_LIST]));
  });

  it('holds only what it is given when default metrics are off', async () => {
    const registry = createMetricsRegistry({ defaultMetrics: false });
    expect(await registry.getMetricsAsJSON()).toEqual([]);
    new Counter({ name: `${METRIC_PREFIX}things_total`, help: 'Things.', registers: [registry] }).inc(2);
    expect(await registry.metrics()).toContain(`${METRIC_PREFIX}things_total 2`);
  });

  it('is one registry per call, so two pods in one test process do not share counters', async () => {
    const first = createMetricsRegistry({ defaultMetrics: false });
    const second = createMetricsRegistry({ defaultMetrics: false });
    new Counter({ name: `${METRIC_PREFIX}things_total`, help: 'Things.', registers: [first] }).inc();
    expect(await second.getMetricsAsJSON()).toEqual([]);
  });

  it('puts the default labels on every sample', async () => {
    const registry = createMetricsRegistry({ defaultMetrics: false, labels: { instance: 'pod-1' } });
    new Counter({ name: `${METRIC_PREFIX}things_total`, help: 'Things.', registers: [registry] }).inc();
    expect(await registry.metrics()).toContain(`${METRIC_PREFIX}things_total{instance="pod-1"} 1`);
  });
});
