/**
 * Delivery of signals to Discord webhooks: a durable queue per destination in Redis, the
 * message builder, the rate-limit-aware sender, the worker that drains the queues, and the
 * validation and redaction of webhook URLs.
 */
export {
  deliveryKeys,
  isDestinationId,
  DELIVERY_GROUP,
  type DeliveryKeys,
  type DestinationFootprint,
} from './delivery-keys';
export { DeliveryReason, type DeadLetter, type DisabledDestination } from './delivery-reasons';
export {
  DeliveryQueue,
  DEFAULT_DELIVERY_QUEUE_OPTIONS,
  type DeliveryQueueOptions,
  type DestinationDeliveryState,
  type EnqueueOutcome,
  type QueuedEntry,
} from './delivery-queue';
export {
  DeliveryWorker,
  DEFAULT_DELIVERY_WORKER_OPTIONS,
  type DeliveryWorkerOptions,
  type WebhookDirectory,
} from './delivery-worker';
export { createDeliveryMetrics, DeliveryOutcome, type DeliveryMetrics } from './delivery-metrics';
export {
  buildDiscordMessage,
  embedTextLength,
  DISCORD_MESSAGE_LIMITS,
  MAX_SIGNALS_PER_MESSAGE,
  type DiscordEmbed,
  type DiscordMessage,
  type DiscordMessageOptions,
} from './discord-message';
export {
  DiscordWebhookSender,
  DEFAULT_DISCORD_WEBHOOK_SENDER_OPTIONS,
  type DiscordWebhookSenderOptions,
  type RateLimitScope,
  type WebhookSendOutcome,
} from './discord-webhook-sender';
export {
  checkWebhookUrl,
  redactWebhookUrl,
  DISCORD_WEBHOOK_HOSTS,
  SHOWN_TOKEN_CHARS,
  type WebhookTarget,
  type WebhookUrlCheck,
} from '../webhook-url';
