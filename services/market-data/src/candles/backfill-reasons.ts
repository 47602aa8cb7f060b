/**
 * Why `/v1/candles` answers `backfill: "unavailable"`: one catalog of stable codes, each with a
 * message that says what happened and what would change it.
 */
import type { CandleInterval } from '@tickwire/core';
import type { CandleBackfillRefusal } from '@tickwire/cluster';

/** Stable codes; never renamed once published. */
export const BackfillReasonCode = {
  /** The exchange serves no past candles of this interval through this relay. */
  NotOffered: 'BACKFILL_NOT_OFFERED',
  /** The exchange refuses this account its candles (Finnhub: a plan without candles). */
  NotEntitled: 'BACKFILL_NOT_ENTITLED',
} as const;

export type BackfillReasonCode = (typeof BackfillReasonCode)[keyof typeof BackfillReasonCode];

/** What a client reads next to `backfill: "unavailable"`. */
export interface BackfillReason {
  /** One of {@link BackfillReasonCode} (a string: a recorded refusal may come from another version). */
  code: string;
  message: string;
}

/**
 * How long an entitlement refusal stands before the leader asks the exchange again (ms): a plan
 * that gains candles is noticed within this long, at one request per series per period.
 */
export const BACKFILL_REFUSAL_MS = 3_600_000;

export function notOffered(exchange: string, interval: CandleInterval): BackfillReason {
  return {
    code: BackfillReasonCode.NotOffered,
    message: `${exchange} serves no past ${interval} candles through this relay: history starts with the relay`,
  };
}

/** The refusal to record when the exchange said `exchangeWords` to a candle request at `now`. */
export function notEntitled(exchange: string, exchangeWords: string, now: number): CandleBackfillRefusal {
  const until = now + BACKFILL_REFUSAL_MS;
  return {
    code: BackfillReasonCode.NotEntitled,
    message:
      `${exchange} refuses this account its past candles (${JSON.stringify(exchangeWords)}): history starts with ` +
      `the relay; a plan with candle access lifts this, checked again after ${new Date(until).toISOString()}`,
    until,
  };
}
