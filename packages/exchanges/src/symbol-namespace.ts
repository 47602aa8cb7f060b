/**
 * One symbol namespace for a cluster that serves several exchanges (`EXCHANGES=binance,coinbase`).
 *
 * A canonical symbol names the exchange and the instrument in one string that core's
 * `canonicalSymbol` leaves unchanged (uppercase, at most 40 characters of `A-Z 0-9 - _ . / :`):
 *
 * | exchange | exchange's name             | canonical symbol           |
 * | -------- | --------------------------- | -------------------------- |
 * | binance  | `BTCUSDT`                   | `BTCUSDT` (unchanged)      |
 * | coinbase | `BTC-USD`                   | `COINBASE:BTC-USD`         |
 * | finnhub  | `AAPL`, `BINANCE:BTCUSDT`   | `FINNHUB:AAPL`, `FINNHUB:BINANCE:BTCUSDT` |
 * | massive  | `AAPL`                      | `MASSIVE:AAPL`             |
 *
 * Binance symbols stay bare because existing clients use them. Every other exchange is
 * prefixed, so two venues' prices for the same pair never merge in the latest table, Redis or a
 * client, and the exchange of a symbol is known without any configuration. What clients and the
 * `SYMBOLS` setting may write is wider; {@link resolveSymbol} turns it into a canonical symbol.
 */
import type { ExchangeId } from '@tickwire/core';
import { COINBASE_SYMBOL_PREFIX, coinbaseProductToSymbol, symbolToCoinbaseProduct } from './coinbase/symbols';
import { FINNHUB_SYMBOL_PREFIX, finnhubToSymbol, symbolToFinnhub } from './finnhub/symbols';
import { MASSIVE_SYMBOL_PREFIX, massiveToSymbol, symbolToMassive } from './massive/symbols';

/** An instrument as its exchange names it. */
export interface ExchangeSymbol {
  exchange: ExchangeId;
  /** The exchange's own name: `BTCUSDT`, `BTC-USD`, `BINANCE:BTCUSDT`. */
  exchangeSymbol: string;
}

/** Accepted in front of a Binance symbol in client input; canonical Binance symbols are bare. */
const BINANCE_SYMBOL_ALIAS_PREFIX = 'BINANCE:';

/** Binance spot symbols as Tickwire carries them: uppercase letters and digits. */
const BINANCE_SYMBOL_RE = /^[A-Z0-9]{1,40}$/u;

/** The canonical symbol of an exchange's symbol name; undefined when it cannot be one. */
export function toCanonicalSymbol(exchange: ExchangeId, exchangeSymbol: string): string | undefined {
  switch (exchange) {
    case 'binance':
      return BINANCE_SYMBOL_RE.test(exchangeSymbol) ? exchangeSymbol : undefined;
    case 'coinbase':
      return coinbaseProductToSymbol(exchangeSymbol);
    case 'finnhub':
      return finnhubToSymbol(exchangeSymbol);
    case 'massive':
      return massiveToSymbol(exchangeSymbol);
  }
}

/** The exchange and exchange name of a canonical symbol; undefined when it is not canonical. */
export function fromCanonicalSymbol(symbol: string): ExchangeSymbol | undefined {
  if (BINANCE_SYMBOL_RE.test(symbol)) return { exchange: 'binance', exchangeSymbol: symbol };
  const productId = symbolToCoinbaseProduct(symbol);
  if (productId !== undefined) return { exchange: 'coinbase', exchangeSymbol: productId };
  const finnhubSymbol = symbolToFinnhub(symbol);
  if (finnhubSymbol !== undefined) return { exchange: 'finnhub', exchangeSymbol: finnhubSymbol };
  const ticker = symbolToMassive(symbol);
  if (ticker !== undefined) return { exchange: 'massive', exchangeSymbol: ticker };
  return undefined;
}

/**
 * Resolves a symbol as a client or the `SYMBOLS` setting wrote it (any case, surrounding spaces)
 * to a canonical symbol; undefined when it cannot name an instrument.
 *
 * - A leading `BINANCE:`, `COINBASE:`, `FINNHUB:` or `MASSIVE:` names the exchange, whatever the default:
 *   `coinbase:btc-usd` is `COINBASE:BTC-USD`, `binance:btcusdt` is `BTCUSDT`. So Finnhub's own
 *   `BINANCE:BTCUSDT` must be written `FINNHUB:BINANCE:BTCUSDT`: one string never means two
 *   things depending on which exchanges a cluster enables.
 * - Anything else belongs to `defaultExchange`: `BTC-USD` with Coinbase is `COINBASE:BTC-USD`,
 *   `AAPL` or `OANDA:EUR_USD` with Finnhub is `FINNHUB:AAPL` / `FINNHUB:OANDA:EUR_USD`.
 * - Finnhub venues may be written with their space or with `_` (`IC MARKETS:1`, `IC_MARKETS:1`).
 */
export function resolveSymbol(input: string, defaultExchange: ExchangeId): string | undefined {
  const text = input.trim().toUpperCase();
  if (text.startsWith(BINANCE_SYMBOL_ALIAS_PREFIX)) {
    return toCanonicalSymbol('binance', text.slice(BINANCE_SYMBOL_ALIAS_PREFIX.length));
  }
  if (text.startsWith(COINBASE_SYMBOL_PREFIX))
    return symbolToCoinbaseProduct(text) === undefined ? undefined : text;
  if (text.startsWith(FINNHUB_SYMBOL_PREFIX)) {
    return resolveFinnhub(text.slice(FINNHUB_SYMBOL_PREFIX.length));
  }
  if (text.startsWith(MASSIVE_SYMBOL_PREFIX)) return symbolToMassive(text) === undefined ? undefined : text;
  switch (defaultExchange) {
    case 'binance':
      return toCanonicalSymbol('binance', text);
    case 'coinbase':
      return coinbaseProductToSymbol(text);
    case 'finnhub':
      return resolveFinnhub(text);
    case 'massive':
      return massiveToSymbol(text);
  }
}

/** A Finnhub name with its venue spelled with a space (`IC MARKETS:1`) or with `_` (`IC_MARKETS:1`). */
function resolveFinnhub(name: string): string | undefined {
  const canonical = FINNHUB_SYMBOL_PREFIX + name;
  return symbolToFinnhub(canonical) === undefined ? finnhubToSymbol(name) : canonical;
}
