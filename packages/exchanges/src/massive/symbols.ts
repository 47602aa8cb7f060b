/**
 * Massive tickers <-> Tickwire canonical symbols: `AAPL` <-> `MASSIVE:AAPL`.
 *
 * The socket's ticker pattern is letters only (`/^([a-zA-Z]+)$/`), but the reference list holds
 * class shares with a dot (`BRK.A`) and test tickers with digits; those are carried as listed
 * (how the socket spells class shares is not documented, exchanges.md 9.10). Lowercase tickers
 * (some test issues) cannot be canonical symbols and are refused.
 */

export const MASSIVE_SYMBOL_PREFIX = 'MASSIVE:';

const MASSIVE_TICKER_RE = /^[A-Z][A-Z0-9.]{0,15}$/u;

/** `AAPL` -> `MASSIVE:AAPL`; undefined for a ticker Tickwire cannot carry. */
export function massiveToSymbol(ticker: string): string | undefined {
  return MASSIVE_TICKER_RE.test(ticker) ? MASSIVE_SYMBOL_PREFIX + ticker : undefined;
}

/** `MASSIVE:AAPL` -> `AAPL`; undefined for anything that is not a canonical Massive symbol. */
export function symbolToMassive(symbol: string): string | undefined {
  if (!symbol.startsWith(MASSIVE_SYMBOL_PREFIX)) return undefined;
  const ticker = symbol.slice(MASSIVE_SYMBOL_PREFIX.length);
  return MASSIVE_TICKER_RE.test(ticker) ? ticker : undefined;
}
