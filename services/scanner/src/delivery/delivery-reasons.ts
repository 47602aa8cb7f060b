/**
 * Why a signal was not delivered, or why a destination stopped: stable codes stored with
 * every dead letter and disabled destination, shown to owners by the API, searched by
 * operators, never renamed.
 */
export const DeliveryReason = {
  /** Discord answered 404 or 401: the webhook was deleted or its token is wrong. Disables the destination. */
  WebhookGone: 'WEBHOOK_GONE',
  /** The webhook URL fails validation (scheme, host allow-list, shape). Disables the destination. */
  InvalidWebhookUrl: 'INVALID_WEBHOOK_URL',
  /** Network errors, timeouts or 5xx answers on every allowed attempt. */
  AttemptsExhausted: 'ATTEMPTS_EXHAUSTED',
  /** Discord refused the message itself (a 4xx other than 401, 404, 429): sending it again cannot help. */
  PayloadRejected: 'PAYLOAD_REJECTED',
  /**
   * The destination no longer exists in the store: signals still queued for it are discarded
   * (counted, not kept as dead letters, since nobody is left to read them).
   */
  DestinationRemoved: 'DESTINATION_REMOVED',
} as const;

export type DeliveryReason = (typeof DeliveryReason)[keyof typeof DeliveryReason];

/** One signal that will not be delivered, as kept in a destination's dead-letter stream. */
export interface DeadLetter {
  /** The dead-letter stream's entry id. */
  entryId: string;
  signalId: string;
  /** The signal as it was queued (JSON). */
  signal: string;
  code: DeliveryReason;
  reason: string;
  /** When it was dead-lettered (ms since the epoch). */
  at: number;
}

/** Why a destination was disabled for good. */
export interface DisabledDestination {
  code: DeliveryReason;
  reason: string;
  at: number;
}
