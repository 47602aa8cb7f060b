/**
 * The input rules of `SymbolInterest.touch`, shared by both engines so that they refuse the
 * same things with the same errors (and the Redis engine never ships a bad symbol to a script).
 */

/** Longest symbol accepted (characters); canonical symbols are far shorter. */
export const MAX_INTEREST_SYMBOL_LENGTH = 64;
/**
 * Canonical symbols of every exchange: `BTCUSDT`, `COINBASE:BTC-USD`, `FINNHUB:BINANCE:BTCUSDT`,
 * and Finnhub forex names with a space and a slash (`FINNHUB:IC MARKETS:1`, `OANDA:EUR/USD`).
 */
export const INTEREST_SYMBOL_RE = /^[A-Za-z0-9:._\- /]+$/;
/** Symbols per touch: bounds one script's run time on Redis; callers chunk longer lists. */
export const MAX_INTEREST_SYMBOLS_PER_TOUCH = 1024;
/** Longest lease of one touch (ms, one day): interest is meant to be refreshed, not parked. */
export const MAX_INTEREST_TTL_MS = 86_400_000;

/** Whether `value` is a symbol `touch` accepts (used to check what arrives from other pods too). */
export function isInterestSymbol(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= MAX_INTEREST_SYMBOL_LENGTH &&
    INTEREST_SYMBOL_RE.test(value)
  );
}

/** Throws a TypeError or RangeError that names the first problem with a touch's arguments. */
export function validateInterestTouch(symbols: readonly string[], ttlMs: number): void {
  if (typeof ttlMs !== 'number' || !Number.isInteger(ttlMs)) {
    throw new TypeError(`ttlMs must be an integer number of milliseconds, got ${String(ttlMs)}`);
  }
  if (ttlMs < 1 || ttlMs > MAX_INTEREST_TTL_MS) {
    throw new RangeError(`ttlMs must be between 1 and ${MAX_INTEREST_TTL_MS} ms, got ${ttlMs}`);
  }
  // The types say so, but JavaScript callers and parsed request bodies do not.
  const list: unknown = symbols;
  if (!Array.isArray(list)) throw new TypeError(`symbols must be an array of strings, got ${typeof list}`);
  if (symbols.length > MAX_INTEREST_SYMBOLS_PER_TOUCH) {
    throw new RangeError(
      `touch takes at most ${MAX_INTEREST_SYMBOLS_PER_TOUCH} symbols per call, got ${symbols.length}: split the list`,
    );
  }
  for (let index = 0; index < symbols.length; index++) {
    const symbol: unknown = symbols[index];
    if (typeof symbol !== 'string') {
      throw new TypeError(`symbols[${index}] must be a string, got ${typeof symbol}`);
    }
    if (symbol.length === 0 || symbol.length > MAX_INTEREST_SYMBOL_LENGTH) {
      throw new RangeError(
        `symbols[${index}] must be 1 to ${MAX_INTEREST_SYMBOL_LENGTH} characters long, got ${symbol.length}`,
      );
    }
    if (!INTEREST_SYMBOL_RE.test(symbol)) {
      throw new TypeError(
        `symbols[${index}] ${JSON.stringify(symbol)} may only contain letters, digits, space and : . _ - /`,
      );
    }
  }
}
