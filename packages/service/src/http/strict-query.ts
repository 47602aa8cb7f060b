/**
 * Every route names the query parameters it takes; any other is refused, so a misspelling
 * (`?symbol=BTCUSDT`) is a 400 naming it instead of an answer for every symbol.
 */
import { commonHttpErrors } from '../errors';

/** Throws UNKNOWN_PARAMETER for the first parameter of `query` not in `allowed`. */
export function rejectUnknownParams(query: Record<string, unknown>, allowed: readonly string[]): void {
  for (const name in query) {
    if (!allowed.includes(name)) throw commonHttpErrors.unknownParameter(name, allowed);
  }
}
