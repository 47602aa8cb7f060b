import { Registry } from 'prom-client';
import { createDeliveryMetrics } from './delivery-metrics';
import { DeliveryReason } from './delivery-reasons';

describe("delivery's metrics", () => {
  it('export each dead-letter code and each disabling code at 0 before anything happened, so a first one shows as an increase', async () => {
    const registry = new Registry();
    createDeliveryMetrics(registry, async () => 0);
    const values = async (name: string): Promise<Record<string, number>> =>
      Object.fromEntries(
        (await registry.getMetricsAsJSON())
          .find((metric) => metric.name === name)!
          .values.map((sample) => [String(sample.labels.code), sample.value]),
      );
    expect(await values('tickwire_scanner_delivery_dead_letters_total')).toEqual(
      Object.fromEntries(Object.values(DeliveryReason).map((code) => [code, 0])),
    );
    expect(await values('tickwire_scanner_delivery_destinations_disabled_total')).toEqual({
      WEBHOOK_GONE: 0,
      INVALID_WEBHOOK_URL: 0,
    });
  });
});
