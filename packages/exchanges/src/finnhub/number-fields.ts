/**
 * Reads of Finnhub's numeric fields. Finnhub sends prices, volumes and times as JSON numbers
 * (`"p":146.76`, `"v":43`, `"t":1628238530221`), not strings. Frames are decoded with
 * `parseJsonKeepingNumbers`, so each number arrives as its source text and becomes a decimal
 * string without passing through a double; a plain `number` (a body someone decoded with
 * `JSON.parse`) is accepted too and printed as its shortest round-trip decimal.
 */
import { decimalOfJsonValue, wholeNumberOfJsonValue } from '../lossless-json';
import { field, fieldError } from '../payload-fields';
import type { JsonObject } from '../payload-fields';

/** A JSON number as a decimal string, exactly as written (`146.76`, `43`; `1e-7` expanded). */
export function readNumberDecimal(object: JsonObject, key: string, context: string): string {
  const value = field(object, key);
  const decimal = decimalOfJsonValue(value);
  if (decimal === undefined) fieldError(context, key, 'a number', value);
  return decimal;
}

/** Like {@link readNumberDecimal}, but absent and `null` read as undefined. */
export function readOptionalNumberDecimal(
  object: JsonObject,
  key: string,
  context: string,
): string | undefined {
  const value = field(object, key);
  return value === undefined || value === null ? undefined : readNumberDecimal(object, key, context);
}

/** A non-negative safe integer (times, counts). */
export function readWholeNumber(object: JsonObject, key: string, context: string): number {
  const value = field(object, key);
  const number = wholeNumberOfJsonValue(value);
  if (number === undefined) fieldError(context, key, 'a non-negative integer', value);
  return number;
}
