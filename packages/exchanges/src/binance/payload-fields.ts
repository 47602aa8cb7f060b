/**
 * Typed reads of decoded Binance JSON. Every reader either returns a value of the promised type
 * or throws a {@link PayloadError} naming the field, so a payload parser is a flat list of reads
 * and `parse-message.ts` turns the first failure into a `malformed` message. Prices and sizes
 * are returned exactly as sent: nothing here calls `Number()` on a string.
 */
import { isDecimalString } from '@tickwire/core';
import type { RequestId } from '../feed-message';

/** A field is missing or has the wrong type. Internal: callers outside the parsers never see it. */
export class PayloadError extends Error {
  override readonly name = 'PayloadError';
}

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own property only: JSON never carries inherited keys, and `toString` must not count as one. */
export function has(object: JsonObject, key: string): boolean {
  return Object.hasOwn(object, key);
}

/** A short, safe rendering of an offending value for the `malformed` reason. */
export function preview(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    // undefined for functions and symbols; throws on bigints and cycles (never in decoded JSON).
    text = JSON.stringify(value) ?? `a ${typeof value}`;
  } catch {
    text = `a ${typeof value}`;
  }
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function fail(context: string, key: string, expected: string, value: unknown): never {
  throw new PayloadError(`${context}: field "${key}" must be ${expected}, got ${preview(value)}`);
}

/** A decimal string (core's isDecimalString), returned byte for byte. */
export function readDecimal(object: JsonObject, key: string, context: string): string {
  const value = has(object, key) ? object[key] : undefined;
  if (!isDecimalString(value)) fail(context, key, 'a decimal string', value);
  return value;
}

/** Like {@link readDecimal}, but an absent key is fine; a present key must still be valid. */
export function readOptionalDecimal(object: JsonObject, key: string, context: string): string | undefined {
  return has(object, key) ? readDecimal(object, key, context) : undefined;
}

/** A time in ms since the epoch: a non-negative safe integer. */
export function readTime(object: JsonObject, key: string, context: string): number {
  const value = has(object, key) ? object[key] : undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    fail(context, key, 'a non-negative integer time', value);
  }
  return value;
}

export function readOptionalTime(object: JsonObject, key: string, context: string): number | undefined {
  return has(object, key) ? readTime(object, key, context) : undefined;
}

export function readInteger(object: JsonObject, key: string, context: string): number {
  const value = has(object, key) ? object[key] : undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) fail(context, key, 'an integer', value);
  return value;
}

export function readString(object: JsonObject, key: string, context: string): string {
  const value = has(object, key) ? object[key] : undefined;
  if (typeof value !== 'string' || value.length === 0) fail(context, key, 'a non-empty string', value);
  return value;
}

/**
 * The exchange symbol, passed through as sent. Binance sends it uppercase (`BTCUSDT`); it is not
 * run through core's `canonicalSymbol` because Binance lists symbols with non-ASCII names.
 */
export function readSymbol(object: JsonObject, key: string, context: string): string {
  const value = has(object, key) ? object[key] : undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 64 || value.trim() !== value) {
    fail(context, key, 'a symbol string', value);
  }
  return value;
}

export function readObject(object: JsonObject, key: string, context: string): JsonObject {
  const value = has(object, key) ? object[key] : undefined;
  if (!isJsonObject(value)) fail(context, key, 'an object', value);
  return value;
}

/**
 * A request id as Binance echoes it: an integer, a string, or null. A missing `id` reads as null
 * (Binance omits it when it could not parse the request at all).
 */
export function readRequestId(object: JsonObject, context: string): RequestId {
  if (!has(object, 'id')) return null;
  const value = object['id'];
  if (value === null || typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  return fail(context, 'id', 'an integer, a string or null', value);
}
