/**
 * Typed reads of decoded exchange JSON, shared by every adapter. Every reader either returns a
 * value of the promised type or throws a {@link PayloadError} naming the field, so a payload
 * parser is a flat list of reads and its `parse-message.ts` turns the first failure into a
 * `malformed` message. Prices and sizes are returned exactly as sent: nothing here calls
 * `Number()` on a string.
 */
import { isDecimalString } from '@tickwire/core';

/** A field is missing or has the wrong type. Internal: callers outside the parsers never see it. */
export class PayloadError extends Error {
  override readonly name = 'PayloadError';
}

export type JsonObject = Record<string, unknown>;

/** A plain object as JSON decoders build it (not an array, nor a `JsonNumberText` or other class instance). */
export function isJsonObject(value: unknown): value is JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  // A plain object's prototype is an Object.prototype, whose own prototype is null. Checked by
  // shape, not identity: a body decoded in another realm (fetch in a vm context, a worker) has
  // another realm's Object.prototype. Class instances (lossless JSON numbers) are refused.
  const prototype: unknown = Object.getPrototypeOf(value);
  return (
    prototype === null ||
    (Object.getPrototypeOf(prototype) === null && Object.prototype.toString.call(value) === '[object Object]')
  );
}

/** Own property only: JSON never carries inherited keys, and `toString` must not count as one. */
export function has(object: JsonObject, key: string): boolean {
  return Object.hasOwn(object, key);
}

/** The value of an own key, or undefined. */
export function field(object: JsonObject, key: string): unknown {
  return has(object, key) ? object[key] : undefined;
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

/** Throws the {@link PayloadError} every reader throws: `<context>: field "<key>" must be ...`. */
export function fieldError(context: string, key: string, expected: string, value: unknown): never {
  throw new PayloadError(`${context}: field "${key}" must be ${expected}, got ${preview(value)}`);
}

/** A decimal string (core's isDecimalString), returned byte for byte. */
export function readDecimal(object: JsonObject, key: string, context: string): string {
  const value = field(object, key);
  if (!isDecimalString(value)) fieldError(context, key, 'a decimal string', value);
  return value;
}

/** Like {@link readDecimal}, but an absent key is fine; a present key must still be valid. */
export function readOptionalDecimal(object: JsonObject, key: string, context: string): string | undefined {
  return has(object, key) ? readDecimal(object, key, context) : undefined;
}

/** A time in ms since the epoch: a non-negative safe integer. */
export function readTime(object: JsonObject, key: string, context: string): number {
  const value = field(object, key);
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    fieldError(context, key, 'a non-negative integer time', value);
  }
  return value;
}

export function readOptionalTime(object: JsonObject, key: string, context: string): number | undefined {
  return has(object, key) ? readTime(object, key, context) : undefined;
}

export function readInteger(object: JsonObject, key: string, context: string): number {
  const value = field(object, key);
  if (typeof value !== 'number' || !Number.isSafeInteger(value))
    fieldError(context, key, 'an integer', value);
  return value;
}

export function readString(object: JsonObject, key: string, context: string): string {
  const value = field(object, key);
  if (typeof value !== 'string' || value.length === 0) fieldError(context, key, 'a non-empty string', value);
  return value;
}

export function readObject(object: JsonObject, key: string, context: string): JsonObject {
  const value = field(object, key);
  if (!isJsonObject(value)) fieldError(context, key, 'an object', value);
  return value;
}

export function readArray(object: JsonObject, key: string, context: string): unknown[] {
  const value = field(object, key);
  if (!Array.isArray(value)) fieldError(context, key, 'an array', value);
  return value;
}

/** Names longer than this are cut: a catalog entry is a label, not a document. */
const MAX_DISPLAY_NAME_CHARS = 120;

/**
 * The first of `candidates` that is a string with visible text, trimmed and cut to a label's
 * length; `fallback` when none is. For display names, whose source fields exchanges leave out
 * or empty now and then: a missing name never drops an instrument from a list.
 */
export function displayText(candidates: readonly unknown[], fallback: string): string {
  for (const candidate of candidates) {
    if (typeof candidate !== 'string') continue;
    const text = candidate.trim();
    if (text !== '') return text.slice(0, MAX_DISPLAY_NAME_CHARS);
  }
  return fallback;
}
