/**
 * How a destination and its delivery appear in answers: the URL redacted (a secret: whoever has
 * it can post), the delivery state beside it, and dead letters as the signal they stood for,
 * never with the URL. Times are ISO 8601 like the records' own.
 */
import type { DeadLetter, DestinationDeliveryState, DeliveryReason } from '../delivery';
import type { Signal } from '../signals/signal';
import { redactWebhookUrl, type Destination, type PublicDestination } from '../store';

export interface DeliveryView {
  /** `disabled`: Discord said the webhook is gone (or its URL is refused); nothing is sent until the URL changes. */
  state: 'active' | 'disabled';
  disabled: { code: DeliveryReason; reason: string; at: string } | null;
  /** Signals waiting to be sent. */
  queued: number;
  /** Dead letters kept (`GET /v1/destinations/:id/dead-letters`). */
  deadLetters: number;
}

export type DestinationView = PublicDestination & { delivery: DeliveryView };

/** The signal a dead letter stood for: what names it, not what it said. */
export type DeadSignalView = Pick<Signal, 'id'> &
  Partial<Pick<Signal, 'strategyId' | 'strategyName' | 'symbol' | 'interval' | 'candleOpenTime'>>;

export interface DeadLetterView {
  /** The dead letter's place in the destination's dead-letter stream: the `cursor` of the next page. */
  id: string;
  code: DeliveryReason;
  reason: string;
  at: string;
  signal: DeadSignalView;
}

export function destinationView(destination: Destination, state: DestinationDeliveryState): DestinationView {
  return { ...destination, url: redactWebhookUrl(destination.url), delivery: deliveryView(state) };
}

function deliveryView(state: DestinationDeliveryState): DeliveryView {
  const { disabled } = state;
  return {
    state: disabled === undefined ? 'active' : 'disabled',
    disabled:
      disabled === undefined
        ? null
        : { code: disabled.code, reason: disabled.reason, at: isoTime(disabled.at) },
    queued: state.queued,
    deadLetters: state.deadLetters,
  };
}

export function deadLetterView(letter: DeadLetter): DeadLetterView {
  return {
    id: letter.entryId,
    code: letter.code,
    reason: letter.reason,
    at: isoTime(letter.at),
    signal: deadSignal(letter),
  };
}

/** The naming fields of the queued signal; only its id when the JSON cannot be read. */
function deadSignal(letter: DeadLetter): DeadSignalView {
  let signal: Partial<Record<keyof Signal, unknown>> = {};
  try {
    const parsed = JSON.parse(letter.signal) as unknown;
    if (parsed !== null && typeof parsed === 'object') signal = parsed;
  } catch {
    // Dead-lettered because it was unreadable: the id is all there is.
  }
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const view: DeadSignalView = { id: letter.signalId };
  const strategyId = text(signal.strategyId);
  const strategyName = text(signal.strategyName);
  const symbol = text(signal.symbol);
  const interval = text(signal.interval) as Signal['interval'] | undefined;
  if (strategyId !== undefined) view.strategyId = strategyId;
  if (strategyName !== undefined) view.strategyName = strategyName;
  if (symbol !== undefined) view.symbol = symbol;
  if (interval !== undefined) view.interval = interval;
  if (typeof signal.candleOpenTime === 'number') view.candleOpenTime = signal.candleOpenTime;
  return view;
}

function isoTime(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : new Date(0).toISOString();
}
