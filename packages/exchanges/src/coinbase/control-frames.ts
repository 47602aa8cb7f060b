/**
 * Coinbase subscribe and unsubscribe messages.
 * Docs: https://docs.cdp.coinbase.com/exchange/websocket-feed/overview#subscribe
 *
 * Two forms are documented. When every channel covers the same products, the compact form that
 * live clients send (recorded from cryptofeed) is used:
 *   {"type":"subscribe","product_ids":["BTC-USD","ETH-USD"],"channels":["ticker","heartbeat"]}
 * otherwise each channel names its own products:
 *   {"type":"subscribe","channels":[{"name":"ticker","product_ids":["BTC-USD"]},...]}
 * The server answers each one with the whole subscription state (`subscriptions`), not an id.
 * Subscriptions count per product and channel, duplicates included, so each is sent once.
 */
import { CoinbaseConfigError, CoinbaseErrorCode } from './errors';
import { COINBASE_MAX_STREAMS_PER_CONTROL_FRAME } from './limits';
import { parseCoinbaseStreamName } from './streams';

export type CoinbaseControlType = 'subscribe' | 'unsubscribe';

function sameProducts(groups: readonly string[][]): boolean {
  const [first, ...rest] = groups;
  return first !== undefined && rest.every((group) => group.join(',') === first.join(','));
}

function frame(type: CoinbaseControlType, streams: readonly string[]): string {
  const byChannel = new Map<string, string[]>();
  for (const stream of streams) {
    const parsed = parseCoinbaseStreamName(stream);
    if (parsed === undefined) {
      throw new CoinbaseConfigError(
        CoinbaseErrorCode.InvalidSymbol,
        `invalid Coinbase stream ${JSON.stringify(stream)}: build it with coinbaseStreamName(), e.g. ticker:BTC-USD`,
      );
    }
    const products = byChannel.get(parsed.channel) ?? [];
    products.push(parsed.productId);
    byChannel.set(parsed.channel, products);
  }
  const groups = [...byChannel.values()];
  if (sameProducts(groups)) {
    return JSON.stringify({ type, product_ids: groups[0], channels: [...byChannel.keys()] });
  }
  return JSON.stringify({
    type,
    channels: [...byChannel].map(([name, productIds]) => ({ name, product_ids: productIds })),
  });
}

/**
 * Messages of `type` for `streams` (`ticker:BTC-USD`...), at most `chunkSize` streams each, in
 * first-seen order. Duplicate streams are sent once; no streams give no messages. Throws
 * {@link CoinbaseConfigError} on a stream name it cannot read.
 */
export function coinbaseControlFrames(
  type: CoinbaseControlType,
  streams: readonly string[],
  chunkSize: number = COINBASE_MAX_STREAMS_PER_CONTROL_FRAME,
): string[] {
  if (!Number.isInteger(chunkSize) || chunkSize < 1) {
    throw new RangeError(`chunkSize must be a positive integer, got ${chunkSize}`);
  }
  const unique = [...new Set(streams)];
  const frames: string[] = [];
  for (let start = 0; start < unique.length; start += chunkSize) {
    frames.push(frame(type, unique.slice(start, start + chunkSize)));
  }
  return frames;
}

export function coinbaseSubscribeFrames(streams: readonly string[]): string[] {
  return coinbaseControlFrames('subscribe', streams);
}

export function coinbaseUnsubscribeFrames(streams: readonly string[]): string[] {
  return coinbaseControlFrames('unsubscribe', streams);
}
