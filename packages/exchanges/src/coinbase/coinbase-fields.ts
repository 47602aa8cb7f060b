/**
 * Reads of Coinbase fields on top of the shared readers: product ids to canonical symbols,
 * ISO times, and optional decimals that may be `null`. Coinbase sends every price and size as a
 * string with its own precision (`"59800"`, `"58800.00"`), returned byte for byte.
 */
import { isDecimalString } from '@tickwire/core';
import { field, fieldError, readString } from '../payload-fields';
import type { JsonObject } from '../payload-fields';
import { parseCoinbaseTime } from './iso-time';
import { coinbaseProductToSymbol } from './symbols';

/** `product_id` as a canonical symbol (`BTC-USD` -> `COINBASE:BTC-USD`). */
export function readProductSymbol(object: JsonObject, context: string): string {
  const productId = readString(object, 'product_id', context);
  const symbol = coinbaseProductToSymbol(productId);
  if (symbol === undefined) fieldError(context, 'product_id', 'a product id like BTC-USD', productId);
  return symbol;
}

/**
 * A decimal string, or undefined when the key is absent or `null` (older feeds lack
 * `best_bid_size`; a product without a book may have no best bid). Any other value must be valid.
 */
export function readNullableDecimal(object: JsonObject, key: string, context: string): string | undefined {
  const value = field(object, key);
  if (value === undefined || value === null) return undefined;
  if (!isDecimalString(value)) fieldError(context, key, 'a decimal string', value);
  return value;
}

/** An ISO-8601 UTC time in ms, or undefined when the key is absent or `null`. */
export function readOptionalIsoTime(object: JsonObject, key: string, context: string): number | undefined {
  const value = field(object, key);
  if (value === undefined || value === null) return undefined;
  const time = typeof value === 'string' ? parseCoinbaseTime(value) : undefined;
  if (time === undefined) fieldError(context, key, 'an ISO-8601 UTC time', value);
  return time;
}

/** A non-negative safe integer, or undefined when absent or `null`. */
export function readOptionalCount(object: JsonObject, key: string, context: string): number | undefined {
  const value = field(object, key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    fieldError(context, key, 'a non-negative integer', value);
  }
  return value;
}
