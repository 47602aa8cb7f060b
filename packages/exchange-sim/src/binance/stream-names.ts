/**
 * Which stream names the simulator serves. Names are case-sensitive like Binance's: the symbol
 * part must be lowercase (`btcusdt@trade`), the kind keeps its camelCase (`aggTrade`,
 * `miniTicker`, `bookTicker`), kline intervals keep their case (`1M` month vs `1m` minute).
 * Anything else, including real Binance streams the simulator does not generate (depth,
 * avgPrice, rolling-window tickers), is "unknown": accepted silently or refused, per
 * `unknownStreamMode`.
 */
import { isKlineInterval, type KlineInterval } from './kline-intervals';

/** The all-market mini ticker stream. */
export const ALL_MINI_TICKERS_STREAM = '!miniTicker@arr';

export type StreamDescriptor =
  | { readonly kind: 'trade' | 'aggTrade' | 'ticker' | 'miniTicker' | 'bookTicker'; readonly symbol: string }
  | { readonly kind: 'kline'; readonly symbol: string; readonly interval: KlineInterval }
  | { readonly kind: 'allMiniTickers' };

const SIMPLE_KINDS: ReadonlySet<string> = new Set([
  'trade',
  'aggTrade',
  'ticker',
  'miniTicker',
  'bookTicker',
]);
const KLINE_PREFIX = 'kline_';

/**
 * Parses a stream name; undefined when the simulator does not serve it.
 * @param symbols the simulated symbols, uppercase.
 */
export function parseStreamName(name: string, symbols: ReadonlySet<string>): StreamDescriptor | undefined {
  if (name === ALL_MINI_TICKERS_STREAM) return { kind: 'allMiniTickers' };
  const at = name.indexOf('@');
  if (at <= 0 || name.indexOf('@', at + 1) !== -1) return undefined;
  const symbolPart = name.slice(0, at);
  const kindPart = name.slice(at + 1);
  // Binance stream names are lowercase in the symbol part; BTCUSDT@trade is not a stream.
  if (symbolPart !== symbolPart.toLowerCase()) return undefined;
  const symbol = symbolPart.toUpperCase();
  if (!symbols.has(symbol)) return undefined;
  if (SIMPLE_KINDS.has(kindPart)) {
    return { kind: kindPart as 'trade' | 'aggTrade' | 'ticker' | 'miniTicker' | 'bookTicker', symbol };
  }
  if (kindPart.startsWith(KLINE_PREFIX)) {
    const interval = kindPart.slice(KLINE_PREFIX.length);
    if (isKlineInterval(interval)) return { kind: 'kline', symbol, interval };
  }
  return undefined;
}

/** The stream name of a descriptor (the inverse of parseStreamName). */
export function streamName(d: StreamDescriptor): string {
  if (d.kind === 'allMiniTickers') return ALL_MINI_TICKERS_STREAM;
  const prefix = d.symbol.toLowerCase();
  return d.kind === 'kline' ? `${prefix}@kline_${d.interval}` : `${prefix}@${d.kind}`;
}
