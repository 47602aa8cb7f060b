/** Candles: every pod's open candles and closes, the leader's backfill, and what /v1/candles reads. */
export { CandleBackfill, CANDLE_BACKFILL_CALLER, type BackfillState } from './candle-backfill';
export { CandleReader, type BackfillStatus, type CandleAnswer } from './candle-reader';
export {
  BACKFILL_REFUSAL_MS,
  BackfillReasonCode,
  notEntitled,
  notOffered,
  type BackfillReason,
} from './backfill-reasons';
export { wantedCandleRange } from './candle-window';
export { CandlePages, HistoryUnavailableError, type CandlePage } from './candle-pages';
