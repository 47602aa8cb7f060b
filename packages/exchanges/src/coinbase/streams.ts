/**
 * Coinbase channels and the stream names the adapter gives each product on each channel:
 * `ticker:BTC-USD`, `heartbeat:BTC-USD`.
 * Docs: https://docs.cdp.coinbase.com/exchange/websocket-feed/channels
 */
import { CoinbaseConfigError, CoinbaseErrorCode } from './errors';
import { COINBASE_HEARTBEAT_INTERVAL_MS } from './limits';
import { isCoinbaseProductId } from './symbols';

/**
 * Channels the adapter subscribes: `ticker` (price, best bid/ask and 24 h statistics after every
 * match, batched during cascades), `heartbeat` (one per product per second, for liveness and gap
 * detection), `matches` (every trade, for exact candle volume).
 */
export const COINBASE_CHANNELS = ['ticker', 'heartbeat', 'matches'] as const;

export type CoinbaseChannel = (typeof COINBASE_CHANNELS)[number];

export function isCoinbaseChannel(value: string): value is CoinbaseChannel {
  return (COINBASE_CHANNELS as readonly string[]).includes(value);
}

/** One product on one channel. */
export interface CoinbaseStream {
  channel: string;
  productId: string;
}

/** `coinbaseStreamName('ticker', 'BTC-USD')` is `ticker:BTC-USD`. Throws on a bad channel or product id. */
export function coinbaseStreamName(channel: CoinbaseChannel, productId: string): string {
  if (!isCoinbaseChannel(channel)) {
    throw new CoinbaseConfigError(
      CoinbaseErrorCode.InvalidChannel,
      `unknown Coinbase channel ${JSON.stringify(channel)}: use ${COINBASE_CHANNELS.join(', ')}`,
    );
  }
  if (!isCoinbaseProductId(productId)) {
    throw new CoinbaseConfigError(
      CoinbaseErrorCode.InvalidSymbol,
      `invalid Coinbase product id ${JSON.stringify(productId)}: use BASE-QUOTE, e.g. BTC-USD`,
    );
  }
  return `${channel}:${productId}`;
}

/**
 * The channel and product of a stream name; undefined for anything else. Any channel name is
 * read (the server's `subscriptions` may list channels Tickwire did not ask for).
 */
export function parseCoinbaseStreamName(stream: string): CoinbaseStream | undefined {
  const colon = stream.indexOf(':');
  if (colon <= 0) return undefined;
  const productId = stream.slice(colon + 1);
  return isCoinbaseProductId(productId) ? { channel: stream.slice(0, colon), productId } : undefined;
}

/**
 * How often Coinbase sends on a stream whether or not the product trades: `heartbeat` once a
 * second; `ticker` and `matches` only on trades, so they promise nothing.
 */
export function coinbaseStreamCadenceMs(stream: string): number | undefined {
  return parseCoinbaseStreamName(stream)?.channel === 'heartbeat'
    ? COINBASE_HEARTBEAT_INTERVAL_MS
    : undefined;
}
