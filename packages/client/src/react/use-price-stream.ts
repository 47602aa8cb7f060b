/** `usePriceStream` and `usePrice`: live prices in React components, over shared PriceStreams. */
import { useCallback, useMemo, useSyncExternalStore } from 'react';
import type { Price, StreamStatus, TickwireClientError } from '@tickwire/client';
import { sharedPriceStreams, streamOptionsKey, type SharedStreamOptions } from './shared-price-streams';
import { normalizeSymbols, selectSymbols, type PriceStreamState } from './symbol-selection';

/**
 * The connection options of a hook: a PriceStream's options without `symbols`. Every component
 * whose options are equal (by value; functions such as `fetch` or `auth.refresh` by identity)
 * shares one stream and one connection.
 */
export type UsePriceStreamOptions = SharedStreamOptions;

/**
 * Live prices of `symbols` from the pods at `options.baseUrl`, with the connection's status and
 * which prices are stale. Components with equal options share one connection, whose symbols are
 * the union of theirs; the last one to unmount ends it. A component re-renders only when its own
 * symbols' prices, the status or the error change.
 *
 * ```tsx
 * const { prices, status, isPriceStale } = usePriceStream(['BTCUSDT', 'ETHUSDT'], { baseUrl });
 * ```
 *
 * @param symbols - The symbols to watch (case-insensitive); a new array with the same symbols is the same watch.
 * @param options - Where the pods are and how to connect; see PriceStreamOptions.
 * @returns The state of the hook's symbols; the same object until something in it changed.
 */
export function usePriceStream(symbols: readonly string[], options: UsePriceStreamOptions): PriceStreamState {
  const key = streamOptionsKey(options);
  const symbolsKey = normalizeSymbols(symbols).join(',');
  // The latest options, for the stream created (or re-created) under this key.
  const stream = sharedPriceStreams.get(key, options);
  const select = useMemo(() => selectSymbols(symbolsKey === '' ? [] : symbolsKey.split(',')), [symbolsKey]);

  const subscribe = useCallback(
    (onChange: () => void) => {
      const hold = sharedPriceStreams.hold(key, options);
      const unwatch = hold.stream.watch(symbolsKey === '' ? [] : symbolsKey.split(','));
      const unsubscribe = hold.stream.subscribe(onChange);
      // The rendered stream lingered out between render and commit: render again with the held one.
      if (hold.stream !== stream) onChange();
      return () => {
        unsubscribe();
        unwatch();
        hold.release();
      };
    },
    // `key` stands for `options`: equal options, written anew on each render, must not resubscribe.
    [key, symbolsKey, stream],
  );
  const getSnapshot = useCallback(() => select(stream.getSnapshot()), [select, stream]);
  return useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
}

/** What `usePrice` returns; the same object until something in it changed. */
export interface PriceState {
  /** The symbol's latest price, or undefined before the first one. */
  readonly price: Price | undefined;
  /** True when the price must not be taken as current: stale, or none yet. */
  readonly stale: boolean;
  /** The connection's status. */
  readonly status: StreamStatus;
  /** Why the stream is not live, while it is not. */
  readonly error: TickwireClientError | undefined;
}

/**
 * The live price of one symbol; `usePriceStream([symbol], options)` reduced to that symbol, on
 * the same shared connection.
 *
 * ```tsx
 * const { price, stale } = usePrice('BTCUSDT', { baseUrl });
 * ```
 *
 * @param symbol - The symbol (case-insensitive).
 * @param options - Where the pods are and how to connect; see PriceStreamOptions.
 */
export function usePrice(symbol: string, options: UsePriceStreamOptions): PriceState {
  const name = symbol.trim().toUpperCase();
  const state = usePriceStream([name], options);
  return useMemo(
    () => ({
      price: state.prices[name],
      stale: state.isPriceStale(name),
      status: state.status,
      error: state.error,
    }),
    [state, name],
  );
}
