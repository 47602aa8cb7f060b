/**
 * The dashboard's prices: the live stream (`usePriceStream`), or, where the server has no stream
 * route (the gateway serves the REST API only), `/v1/prices` polled every second with the
 * serving state from `/v1/status`. Either way one status decides whether trading is allowed.
 */
import type { Price, PriceList, StreamStatus, TickwireClient } from '@tickwire/client';
import { usePriceStream, type UsePriceStreamOptions } from '@tickwire/client/react';
import { usePolling } from './use-polling';

/** How often prices are polled when there is no stream (ms). */
export const PRICE_POLL_MS = 1_000;
/** A poll answer older than this (no answer since) counts as a lost connection (ms). */
const POLL_LOST_AFTER_MS = 5_000;

const HTTP_NOT_FOUND = 404;

export interface PriceFeed {
  readonly prices: Readonly<Record<string, Price>>;
  readonly status: StreamStatus;
  readonly stalePairs: readonly string[];
  readonly error: Error | undefined;
  /** `stream` while the stream route answers; `polling` where there is none. */
  readonly via: 'stream' | 'polling';
}

/** Trading is allowed only on prices the pods call fresh: `live`, or `degraded` (fresh, exchange connection troubled). */
export function tradingAllowed(status: StreamStatus): boolean {
  return status === 'live' || status === 'degraded';
}

export function usePriceFeed(
  symbols: readonly string[],
  client: TickwireClient,
  streamOptions: UsePriceStreamOptions,
  servingState: StreamStatus | undefined,
): PriceFeed {
  const stream = usePriceStream(symbols, streamOptions);
  const noStream = stream.error?.status === HTTP_NOT_FOUND;
  const polled = usePolling<PriceList>(
    noStream && symbols.length > 0 ? () => client.prices(symbols) : undefined,
    PRICE_POLL_MS,
    `prices:${symbols.join(',')}`,
  );
  // Before the symbols are known (the first /v1/status) the stream has nothing to open.
  if (symbols.length === 0) return { ...stream, status: 'connecting', via: 'stream' };
  if (!noStream) return { ...stream, via: 'stream' };

  const prices: Record<string, Price> = {};
  for (const ticker of polled.data?.prices ?? []) prices[ticker.symbol] = ticker;
  const lost =
    polled.at === undefined || Date.now() - polled.at > POLL_LOST_AFTER_MS || polled.error !== undefined;
  const status: StreamStatus = lost ? 'disconnected' : (servingState ?? 'connecting');
  const stalePairs = Object.values(prices)
    .filter((price) => price.stale || status === 'stale')
    .map((price) => price.symbol)
    .sort();
  return { prices, status, stalePairs, error: polled.error, via: 'polling' };
}
