/**
 * Canonical symbols. Within one exchange a symbol is the exchange's own uppercase name without
 * separators (`BTCUSDT`). When a cluster serves several exchanges, clients address a symbol as
 * `<exchange>:<SYMBOL>` (`coinbase:BTC-USD`); a bare symbol means the default exchange.
 */

/** Symbols as clients may write them: letters, digits and `-_./:` (Finnhub's `BINANCE:BTCUSDT`). */
const SYMBOL_RE = /^[A-Z0-9][A-Z0-9\-_./:]{0,39}$/;

/** Upper-cases and trims a symbol a client sent; undefined when it cannot be a symbol at all. */
export function canonicalSymbol(raw: string): string | undefined {
  const symbol = raw.trim().toUpperCase();
  return SYMBOL_RE.test(symbol) ? symbol : undefined;
}

/** Splits a comma list of symbols (the `SYMBOLS` env var, the `symbols=` query parameter). */
export function parseSymbolList(raw: string): { symbols: string[]; invalid: string[] } {
  const symbols: string[] = [];
  const invalid: string[] = [];
  for (const part of raw.split(',')) {
    if (part.trim() === '') continue;
    const symbol = canonicalSymbol(part);
    if (symbol === undefined) invalid.push(part);
    else if (!symbols.includes(symbol)) symbols.push(symbol);
  }
  return { symbols, invalid };
}
