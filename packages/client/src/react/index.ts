/**
 * @tickwire/client/react: React hooks over the SDK's PriceStream, built on
 * `useSyncExternalStore`. Components with equal connection options share one connection.
 *
 * - {@link usePriceStream}: prices, status and staleness of a list of symbols.
 * - {@link usePrice}: one symbol's price.
 *
 * @packageDocumentation
 */
export { usePrice, usePriceStream } from './use-price-stream';
export type { PriceState, UsePriceStreamOptions } from './use-price-stream';
export type { PriceStreamState } from './symbol-selection';
export { SHARED_STREAM_LINGER_MS, sharedPriceStreams, SharedPriceStreams } from './shared-price-streams';
export type { SharedStreamOptions, StreamHold } from './shared-price-streams';
