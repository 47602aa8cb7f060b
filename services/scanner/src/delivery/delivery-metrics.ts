/**
 * Delivery's metrics, created once on the process registry by the service and passed in.
 * Labels are bounded: outcomes, scopes and reason codes, never a destination.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { METRIC_PREFIX } from '@tickwire/observability';
import { DeliveryReason } from './delivery-reasons';

/** Outcomes of `tickwire_scanner_delivery_messages_total`: one per request sent. */
export const DeliveryOutcome = {
  Delivered: 'delivered',
  RateLimited: 'rate-limited',
  Failed: 'failed',
  Rejected: 'rejected',
  Gone: 'gone',
} as const;

export type DeliveryOutcome = (typeof DeliveryOutcome)[keyof typeof DeliveryOutcome];

/** The codes that disable a destination for good (the others only dead-letter signals). */
const DISABLING_REASONS: readonly DeliveryReason[] = [
  DeliveryReason.WebhookGone,
  DeliveryReason.InvalidWebhookUrl,
];

export function createDeliveryMetrics(registry: Registry, queueDepth: () => Promise<number>) {
  const registers = [registry];
  const metrics = {
    messages: new Counter({
      name: `${METRIC_PREFIX}scanner_delivery_messages_total`,
      help: 'Webhook requests by outcome: delivered, rate-limited (429), failed (network, timeout, 5xx; retried), rejected (other 4xx) and gone (401/404; the destination is disabled).',
      labelNames: ['outcome'],
      registers,
    }),
    signalsDelivered: new Counter({
      name: `${METRIC_PREFIX}scanner_signals_delivered_total`,
      help: 'Signals Discord accepted (up to ten per message).',
      registers,
    }),
    rateLimited: new Counter({
      name: `${METRIC_PREFIX}scanner_delivery_rate_limited_total`,
      help: "Discord's 429 answers by scope (user, shared, global); waiting out an announced empty bucket is not counted.",
      labelNames: ['scope'],
      registers,
    }),
    deadLetters: new Counter({
      name: `${METRIC_PREFIX}scanner_delivery_dead_letters_total`,
      help: 'Signals dead-lettered, by reason code.',
      labelNames: ['code'],
      registers,
    }),
    destinationsDisabled: new Counter({
      name: `${METRIC_PREFIX}scanner_delivery_destinations_disabled_total`,
      help: 'Destinations disabled for good (their webhook is gone or its URL invalid), by reason code.',
      labelNames: ['code'],
      registers,
    }),
    queueDepth: new Gauge({
      name: `${METRIC_PREFIX}scanner_delivery_queue_depth`,
      help: 'Signals queued for delivery and not delivered or dead-lettered yet, over every destination.',
      registers,
      async collect() {
        this.set(await queueDepth());
      },
    }),
  };
  // Every code exported from the start at 0: a series born at 1 would show no increase(), and
  // the alerts on dead letters and disabled destinations would miss the first one.
  for (const code of Object.values(DeliveryReason)) metrics.deadLetters.inc({ code }, 0);
  for (const code of DISABLING_REASONS) metrics.destinationsDisabled.inc({ code }, 0);
  return metrics;
}

export type DeliveryMetrics = ReturnType<typeof createDeliveryMetrics>;
