/**
 * Massive-specific reads on top of the shared JSON-number reads: sizes in round lots, and
 * nanosecond times beyond a double's precision.
 */
import { JsonNumberText, decimalOfJsonValue } from '../lossless-json';
import { field, fieldError } from '../payload-fields';
import type { JsonObject } from '../payload-fields';

/** Shares in a round lot: "A bid size of 2 means there are 200 shares". */
const SHARES_PER_LOT_DIGITS = '00';

/** A quote size in round lots, as shares: `2` -> `200`. Integer tokens only, as the spec types them. */
export function readLotsAsShares(object: JsonObject, key: string, context: string): string {
  const value = field(object, key);
  const text = value instanceof JsonNumberText ? value.text : typeof value === 'number' ? String(value) : '';
  if (!/^\d+$/u.test(text)) fieldError(context, key, 'a whole number of round lots', value);
  const lots = text.replace(/^0+(?=\d)/u, '');
  return lots === '0' ? '0' : lots + SHARES_PER_LOT_DIGITS;
}

/**
 * A nanosecond time (`1605192894630916817`, 19 digits, beyond 2^53) as whole milliseconds, cut
 * from the text so no digit is rounded first. Plain numbers (a body decoded with `JSON.parse`)
 * are accepted too, already rounded by that decoder.
 */
export function readNanosAsMillis(object: JsonObject, key: string, context: string): number {
  const value = field(object, key);
  const text =
    value instanceof JsonNumberText
      ? value.text
      : typeof value === 'number'
        ? BigInt(Math.trunc(value)).toString()
        : '';
  if (!/^\d{7,}$/u.test(text)) fieldError(context, key, 'a nanosecond time', value);
  const millis = Number(text.slice(0, -6));
  if (!Number.isSafeInteger(millis)) fieldError(context, key, 'a nanosecond time', value);
  return millis;
}

/**
 * A JSON number as its exact decimal text (`114.125`, `21`; an exponent expanded). Massive types
 * prices, sizes and volumes as numbers: a string there is not the protocol, so it is refused.
 */
export function readJsonNumber(object: JsonObject, key: string, context: string): string {
  const value = field(object, key);
  const decimal =
    value instanceof JsonNumberText || typeof value === 'number' ? decimalOfJsonValue(value) : undefined;
  if (decimal === undefined) fieldError(context, key, 'a JSON number', value);
  return decimal;
}

/** Like {@link readJsonNumber}, but absent and `null` read as undefined. */
export function readOptionalJsonNumber(object: JsonObject, key: string, context: string): string | undefined {
  const value = field(object, key);
  return value === undefined || value === null ? undefined : readJsonNumber(object, key, context);
}
