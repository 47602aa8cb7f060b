/**
 * Finnhub symbols <-> Tickwire canonical symbols.
 * Docs: https://finnhub.io/docs/api/websocket-trades (symbol formats)
 *
 * Finnhub names US stocks by their ticker (`AAPL`, `BRK.B`) and crypto and FX as
 * `VENUE:PAIR` (`BINANCE:BTCUSDT`, `OANDA:EUR_USD`, `IC MARKETS:1`). The canonical symbol is
 * `FINNHUB:` + that name, so `FINNHUB:BINANCE:BTCUSDT` (Binance's price as Finnhub relays it)
 * never collides with `BTCUSDT` (Binance's own feed) in one cluster. Canonical symbols cannot
 * hold spaces, so a space in the venue becomes `_` (`FINNHUB:IC_MARKETS:1`); venue names have no
 * underscores of their own, so the mapping is reversible. Names Tickwire symbols cannot carry
 * (lowercase letters, `^`, more than 32 characters) are refused.
 */

/** What a canonical Finnhub symbol starts with. */
export const FINNHUB_SYMBOL_PREFIX = 'FINNHUB:';

/** Canonical symbols are at most 40 characters (core's `canonicalSymbol`). */
const MAX_CANONICAL_LENGTH = 40;

/** Optional venue (words of `A-Z 0-9 . -` separated by single spaces), then the ticker. */
const FINNHUB_SYMBOL_RE = /^(?:([A-Z0-9.-]+(?: [A-Z0-9.-]+)*):)?([A-Z0-9][A-Z0-9._/-]*)$/u;

/** `AAPL` -> `FINNHUB:AAPL`, `IC MARKETS:1` -> `FINNHUB:IC_MARKETS:1`; undefined when it cannot map. */
export function finnhubToSymbol(finnhubSymbol: string): string | undefined {
  const match = FINNHUB_SYMBOL_RE.exec(finnhubSymbol);
  if (match === null) return undefined;
  const [, venue, ticker = ''] = match;
  const symbol =
    FINNHUB_SYMBOL_PREFIX + (venue === undefined ? '' : `${venue.replaceAll(' ', '_')}:`) + ticker;
  return symbol.length <= MAX_CANONICAL_LENGTH ? symbol : undefined;
}

/** `FINNHUB:IC_MARKETS:1` -> `IC MARKETS:1`; undefined for anything that is not a canonical Finnhub symbol. */
export function symbolToFinnhub(symbol: string): string | undefined {
  if (!symbol.startsWith(FINNHUB_SYMBOL_PREFIX)) return undefined;
  const rest = symbol.slice(FINNHUB_SYMBOL_PREFIX.length);
  const colon = rest.indexOf(':');
  const finnhubSymbol =
    colon === -1 ? rest : `${rest.slice(0, colon).replaceAll('_', ' ')}${rest.slice(colon)}`;
  // Only names that map back to exactly this symbol count (no `__`, no leading `_`, ...).
  return finnhubToSymbol(finnhubSymbol) === symbol ? finnhubSymbol : undefined;
}
