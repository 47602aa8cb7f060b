/**
 * One component's view of a shared stream: only its symbols' prices, and the same object for as
 * long as nothing it shows changed. A tick of another component's symbol makes the stream's
 * snapshot new, but not this view, so `useSyncExternalStore` does not re-render the component.
 */
import type { Price, PriceStreamSnapshot, StreamStatus, TickwireClientError } from '@tickwire/client';

/** What `usePriceStream` returns; immutable, the same object while nothing in it changed. */
export interface PriceStreamState {
  /** The latest price of each of the hook's symbols that has one, by symbol (as the pods name it: `BTCUSDT`). */
  readonly prices: Readonly<Record<string, Price>>;
  /** The connection's status; `live` only while the pod says its prices are live. */
  readonly status: StreamStatus;
  /** The hook's symbols whose price is stale, sorted. */
  readonly stalePairs: readonly string[];
  /** Why the stream is not live, while it is not. */
  readonly error: TickwireClientError | undefined;
  /**
   * Whether the price of one of the hook's symbols must not be taken as current: true when it is
   * stale or there is none. Case-insensitive.
   */
  readonly isPriceStale: (symbol: string) => boolean;
}

/** Symbols as the pods name them: trimmed, capitals, each once, sorted. */
export function normalizeSymbols(symbols: readonly string[]): string[] {
  return [...new Set(symbols.map((symbol) => symbol.trim().toUpperCase()).filter((s) => s !== ''))].sort();
}

/** A function from a stream's snapshot to the view of `symbols`, remembering its last answer. */
export function selectSymbols(symbols: readonly string[]): (source: PriceStreamSnapshot) => PriceStreamState {
  let lastSource: PriceStreamSnapshot | undefined;
  let last: PriceStreamState | undefined;
  return (source) => {
    if (source === lastSource && last !== undefined) return last;
    lastSource = source;
    if (last !== undefined && sameView(last, source, symbols)) return last;
    const prices: Record<string, Price> = {};
    const stalePairs: string[] = [];
    for (const symbol of symbols) {
      const price = source.prices[symbol];
      if (price === undefined) continue;
      prices[symbol] = price;
      if (price.stale) stalePairs.push(symbol);
    }
    Object.freeze(prices);
    last = Object.freeze({
      prices,
      status: source.status,
      stalePairs: Object.freeze(stalePairs),
      error: source.error,
      isPriceStale: (symbol: string) => prices[symbol.trim().toUpperCase()]?.stale ?? true,
    });
    return last;
  };
}

/** Whether `source` shows the same as `view` for `symbols` (prices keep their identity while unchanged). */
function sameView(view: PriceStreamState, source: PriceStreamSnapshot, symbols: readonly string[]): boolean {
  if (view.status !== source.status || view.error !== source.error) return false;
  return symbols.every((symbol) => view.prices[symbol] === source.prices[symbol]);
}
