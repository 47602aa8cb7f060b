/**
 * Decoding Massive REST bodies: numbers kept as their text, and Massive's error answers
 * (`{"status":"ERROR","error":"Unknown API Key"}`, `{"status":"NOT_AUTHORIZED","message":"You are
 * not entitled to this data..."}`) turned into a typed error with Massive's own words.
 */
import { parseJsonKeepingNumbers } from '../lossless-json';
import { field, isJsonObject, preview } from '../payload-fields';
import type { JsonObject } from '../payload-fields';
import { MassiveErrorCode, MassiveRestError } from './errors';

/** Statuses of a successful answer (`DELAYED` for delayed plans is not documented, but harmless). */
const OK_STATUSES: ReadonlySet<string> = new Set(['OK', 'DELAYED']);

/** The body as an object, or a typed error: not JSON, not an object, or Massive's error answer. */
export function readMassiveBody(bodyText: string, endpoint: string): JsonObject {
  let body: unknown;
  try {
    body = parseJsonKeepingNumbers(bodyText);
  } catch (error) {
    throw new MassiveRestError(
      MassiveErrorCode.MalformedRestBody,
      `Massive ${endpoint} answered with invalid JSON: ${(error as Error).message}`,
    );
  }
  if (!isJsonObject(body)) {
    throw new MassiveRestError(
      MassiveErrorCode.MalformedRestBody,
      `Massive ${endpoint} answered with ${preview(body)}, not an object`,
    );
  }
  const status = field(body, 'status');
  if (typeof status === 'string' && !OK_STATUSES.has(status)) {
    const text = field(body, 'error') ?? field(body, 'message');
    throw new MassiveRestError(
      MassiveErrorCode.ApiError,
      `Massive refused ${endpoint}: ${status}${typeof text === 'string' ? ` (${text})` : ''}`,
      status,
    );
  }
  return body;
}
