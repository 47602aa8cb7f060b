/** Candles: every pod's open candles and closes, the leader's backfill, and what /v1/candles reads. */
export { CandleBackfill, CANDLE_BACKFILL_CALLER, type BackfillState } from './candle-backfill';
export { CandleReader, type CandleAnswer } from './candle-reader';
export { wantedCandleRange } from './candle-window';
