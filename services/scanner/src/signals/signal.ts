/**
 * A signal: one strategy met on one candle of one symbol. Its id names exactly that, so it is
 * detected, stored and delivered at most once whatever happens (restarts, failovers, replays).
 */
import type { CandleInterval } from '@tickwire/core';
import type { ConditionFact } from '../strategy';

export interface Signal {
  /** `<strategyId>:<symbol>:<interval>:<candleOpenTime>`: one per qualifying candle. */
  id: string;
  ownerId: string;
  strategyId: string;
  /** The strategy's name when the signal was detected (for messages). */
  strategyName: string;
  symbol: string;
  interval: CandleInterval;
  /** Open time of the candle the strategy was met on (ms since the epoch). */
  candleOpenTime: number;
  /** False when the strategy evaluates open candles and was met before this one closed. */
  candleClosed: boolean;
  /** The candle's close when the strategy was met, as the exchange sent it. */
  close: string;
  /** What each condition saw. */
  facts: ConditionFact[];
  /** When the scanner detected it (ms since the epoch). */
  detectedAt: number;
}

export function signalId(
  strategyId: string,
  symbol: string,
  interval: CandleInterval,
  candleOpenTime: number,
): string {
  return `${strategyId}:${symbol}:${interval}:${candleOpenTime}`;
}
