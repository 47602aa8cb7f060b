/** Strategies: the documents users write, the candle series they read, and their evaluation. */
export { CandleSeries, indicatorKey, type IndicatorSpec, type SeriesView } from './candle-series';
export { evaluate, indicatorsOf, type ConditionFact, type Evaluation } from './evaluate';
export { candlesNeeded, RECURSIVE_WARMUP_PERIODS } from './lookback';
export {
  leavesOf,
  parseStrategyDocument,
  toProblem,
  type Condition,
  type FieldProblem,
  type ParseResult,
  type StrategyDocument,
} from './strategy-document';
