/**
 * Evaluates a strategy's conditions on a series view. A condition without enough history to
 * be computed (an RSI over 14 candles with 10 known) is not met: a strategy never fires on
 * guesses. Each leaf reports the values it compared, so a signal can say why it fired.
 */
import { compareDecimal } from '@tickwire/core';
import type { IndicatorReading, IndicatorSpec, SeriesView } from './candle-series';
import type { Condition, LeafCondition, MovingAverageSpec } from './strategy-document';
import { leavesOf } from './strategy-document';

/** What one leaf saw: its type and the values it compared (null: not enough data). */
export interface ConditionFact {
  type: LeafCondition['type'];
  met: boolean;
  values: Record<string, number | string | null>;
}

export interface Evaluation {
  met: boolean;
  facts: ConditionFact[];
}

/** The indicators a condition tree reads; the series must track them before evaluating. */
export function indicatorsOf(condition: Condition): IndicatorSpec[] {
  return leavesOf(condition).flatMap((leaf): IndicatorSpec[] => {
    switch (leaf.type) {
      case 'cross':
        return [maSpec(leaf.fast), maSpec(leaf.slow)];
      case 'rsi':
        return [{ kind: 'rsi', source: 'close', period: leaf.period }];
      case 'volumeSpike':
        return [{ kind: 'sma', source: 'volume', period: leaf.candles }];
      case 'price':
      case 'change':
        return [];
    }
  });
}

export function evaluate(condition: Condition, view: SeriesView): Evaluation {
  const facts: ConditionFact[] = [];
  const met = evaluateNode(condition, view, facts);
  return { met, facts };
}

function evaluateNode(node: Condition, view: SeriesView, facts: ConditionFact[]): boolean {
  // Every leaf is evaluated (no short-circuit), so the facts of a signal are complete.
  if ('all' in node) return node.all.map((child) => evaluateNode(child, view, facts)).every(Boolean);
  if ('any' in node) return node.any.map((child) => evaluateNode(child, view, facts)).some(Boolean);
  const fact = evaluateLeaf(node, view);
  facts.push(fact);
  return fact.met;
}

function evaluateLeaf(leaf: LeafCondition, view: SeriesView): ConditionFact {
  switch (leaf.type) {
    case 'price': {
      const close = view.current?.close ?? null;
      const cmp = close === null ? undefined : compareDecimal(close, leaf.value);
      const met = cmp !== undefined && (leaf.op === 'above' ? cmp > 0 : cmp < 0);
      return { type: leaf.type, met, values: { close, threshold: leaf.value } };
    }
    case 'change': {
      const close = view.current?.close;
      const base = view.closeBack(leaf.candles);
      const percent =
        close !== undefined && base !== undefined && Number(base) !== 0
          ? ((Number(close) - Number(base)) / Number(base)) * 100
          : null;
      return {
        type: leaf.type,
        met: compare(percent, leaf.op, leaf.percent),
        values: { percent, base: base ?? null },
      };
    }
    case 'cross': {
      const fast = view.indicator(maSpec(leaf.fast));
      const slow = view.indicator(maSpec(leaf.slow));
      return {
        type: leaf.type,
        met: crossed(fast, slow, leaf.direction),
        values: { fast: fast.current, slow: slow.current },
      };
    }
    case 'rsi': {
      const rsi = view.indicator({ kind: 'rsi', source: 'close', period: leaf.period }).current;
      return { type: leaf.type, met: compare(rsi, leaf.op, leaf.value), values: { rsi } };
    }
    case 'volumeSpike': {
      // The average of the candles before this one: the volume SMA as of the previous candle.
      const average = view.indicator({ kind: 'sma', source: 'volume', period: leaf.candles }).previous;
      const volume = view.current ? Number(view.current.volume) : null;
      const met = average !== null && volume !== null && average > 0 && volume >= leaf.factor * average;
      return { type: leaf.type, met, values: { volume, average } };
    }
  }
}

/** The fast reading went from at or below the slow one to above it (or the mirror for `down`). */
function crossed(fast: IndicatorReading, slow: IndicatorReading, direction: 'up' | 'down'): boolean {
  if (fast.current === null || fast.previous === null || slow.current === null || slow.previous === null)
    return false;
  return direction === 'up'
    ? fast.previous <= slow.previous && fast.current > slow.current
    : fast.previous >= slow.previous && fast.current < slow.current;
}

function compare(value: number | null, op: 'above' | 'below', threshold: number): boolean {
  if (value === null) return false;
  return op === 'above' ? value > threshold : value < threshold;
}

function maSpec(ma: MovingAverageSpec): IndicatorSpec {
  return { kind: ma.ma, source: 'close', period: ma.period };
}
