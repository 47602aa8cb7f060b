/**
 * Typed reads of decoded Binance JSON. The generic readers live in `../payload-fields.ts` and are
 * re-exported here, so Binance parsers import one module; the two readers below are
 * Binance-specific. Prices and sizes are returned exactly as sent.
 */
import type { RequestId } from '../feed-message';
import { fieldError, has } from '../payload-fields';
import type { JsonObject } from '../payload-fields';

export {
  PayloadError,
  field,
  has,
  isJsonObject,
  preview,
  readDecimal,
  readInteger,
  readObject,
  readOptionalDecimal,
  readOptionalTime,
  readString,
  readTime,
} from '../payload-fields';
export type { JsonObject } from '../payload-fields';

/**
 * The exchange symbol, passed through as sent. Binance sends it uppercase (`BTCUSDT`); it is not
 * run through core's `canonicalSymbol` because Binance lists symbols with non-ASCII names.
 */
export function readSymbol(object: JsonObject, key: string, context: string): string {
  const value = has(object, key) ? object[key] : undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 64 || value.trim() !== value) {
    fieldError(context, key, 'a symbol string', value);
  }
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
  return fieldError(context, 'id', 'an integer, a string or null', value);
}
