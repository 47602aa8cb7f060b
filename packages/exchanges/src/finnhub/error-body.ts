/**
 * Finnhub's error answers: `{"error":"<text>"}` (the official Python client reads
 * `json_response["error"]`), e.g. `{"error":"You don't have access to this resource."}`.
 */
import { field, has, preview, type JsonObject } from '../payload-fields';

/** The text of Finnhub's error body (a non-string value previewed); undefined when `body` is no error. */
export function finnhubErrorMessage(body: JsonObject): string | undefined {
  if (!has(body, 'error')) return undefined;
  const text = field(body, 'error');
  return typeof text === 'string' ? text : preview(text);
}
