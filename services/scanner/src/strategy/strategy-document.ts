/**
 * A strategy as users write it: conditions over the candles of one interval, combined with
 * `all` / `any`, a cooldown, and whether the open candle counts. Parsed strictly: unknown
 * fields are refused, and every problem is reported with the path of the field at fault.
 *
 * ```json
 * {"name":"BTC dip","interval":"1h","cooldownMs":14400000,
 *  "when":{"all":[{"type":"rsi","period":14,"op":"below","value":30},
 *                 {"type":"cross","fast":{"ma":"ema","period":12},"slow":{"ma":"sma","period":26},"direction":"up"}]}}
 * ```
 */
import { z } from 'zod';
import { CANDLE_INTERVALS, CANDLE_INTERVAL_MS, isDecimalString, type CandleInterval } from '@tickwire/core';

/** The longest look-back a condition may ask for (candles); history beyond it is not kept. */
export const MAX_LOOKBACK_CANDLES = 500;
/** Conditions nest at most this deep, and a group holds at most this many. */
export const MAX_CONDITION_DEPTH = 4;
export const MAX_GROUP_CONDITIONS = 20;
/** Longest cooldown a strategy may set (ms): a week. */
export const MAX_COOLDOWN_MS = 7 * 86_400_000;

const comparison = z.enum(['above', 'below']);
const period = z.number().int().min(2).max(MAX_LOOKBACK_CANDLES);
const decimal = z.string().refine(isDecimalString, 'must be a decimal string such as "97000.5"');

const movingAverage = z.strictObject({ ma: z.enum(['sma', 'ema']), period });

/** The last close compared with a price. */
const priceCondition = z.strictObject({ type: z.literal('price'), op: comparison, value: decimal });
/** The change of the close over the last `candles` candles, in percent. */
const changeCondition = z.strictObject({
  type: z.literal('change'),
  candles: z.number().int().min(1).max(MAX_LOOKBACK_CANDLES),
  op: comparison,
  percent: z.number().finite(),
});
/** The fast moving average crossed the slow one between the previous candle and this one. */
const crossCondition = z.strictObject({
  type: z.literal('cross'),
  fast: movingAverage,
  slow: movingAverage,
  direction: z.enum(['up', 'down']),
});
/** RSI with Wilder's smoothing. */
const rsiCondition = z.strictObject({
  type: z.literal('rsi'),
  period: period.default(14),
  op: comparison,
  value: z.number().min(0).max(100),
});
/** This candle's volume is at least `factor` times the average of the `candles` before it. */
const volumeSpikeCondition = z.strictObject({
  type: z.literal('volumeSpike'),
  candles: period,
  factor: z.number().positive().max(1_000),
});

const leafCondition = z.discriminatedUnion('type', [
  priceCondition,
  changeCondition,
  crossCondition,
  rsiCondition,
  volumeSpikeCondition,
]);

export type LeafCondition = z.infer<typeof leafCondition>;
export type MovingAverageSpec = z.infer<typeof movingAverage>;
export type Condition = LeafCondition | { all: Condition[] } | { any: Condition[] };

const condition: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    leafCondition,
    z.strictObject({ all: z.array(condition).min(1).max(MAX_GROUP_CONDITIONS) }),
    z.strictObject({ any: z.array(condition).min(1).max(MAX_GROUP_CONDITIONS) }),
  ]),
);

const strategyDocument = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    interval: z.enum(CANDLE_INTERVALS as [CandleInterval, ...CandleInterval[]]),
    when: condition,
    /** After a signal, the same strategy stays quiet on the same symbol this long (ms). */
    cooldownMs: z.number().int().min(0).max(MAX_COOLDOWN_MS).optional(),
    /** Evaluate the open candle too (its values change until it closes: signals may repaint). */
    openCandle: z.boolean().default(false),
  })
  .superRefine((doc, ctx) => {
    if (depthOf(doc.when) > MAX_CONDITION_DEPTH)
      ctx.addIssue({
        code: 'custom',
        path: ['when'],
        message: `nests deeper than ${MAX_CONDITION_DEPTH} levels`,
      });
  })
  .transform((doc) => ({ ...doc, cooldownMs: doc.cooldownMs ?? CANDLE_INTERVAL_MS[doc.interval] }));

export type StrategyDocument = z.output<typeof strategyDocument>;

/** One problem of a document: the field's path (`when.all.0.period`) and what is wrong. */
export interface FieldProblem {
  field: string;
  message: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problems: FieldProblem[] };

export function parseStrategyDocument(input: unknown): ParseResult<StrategyDocument> {
  const result = strategyDocument.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, problems: result.error.issues.map(toProblem) };
}

/** Zod's issues as field problems; the first issue of a union names the branch closest to the input. */
export function toProblem(issue: z.core.$ZodIssue): FieldProblem {
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const closest = [...issue.errors].sort((a, b) => a.length - b.length)[0];
    const first = closest?.[0];
    if (first) return toProblem({ ...first, path: [...issue.path, ...first.path] });
  }
  return { field: issue.path.map(String).join('.') || '(document)', message: issue.message };
}

function depthOf(node: Condition): number {
  if ('all' in node) return 1 + Math.max(...node.all.map(depthOf));
  if ('any' in node) return 1 + Math.max(...node.any.map(depthOf));
  return 1;
}

/** Every leaf of a condition tree, in document order. */
export function leavesOf(node: Condition): LeafCondition[] {
  if ('all' in node) return node.all.flatMap(leavesOf);
  if ('any' in node) return node.any.flatMap(leavesOf);
  return [node];
}
