/**
 * What a Coinbase Exchange client may send, parsed and validated (pure: no sockets here).
 * Docs: https://docs.cdp.coinbase.com/exchange/websocket-feed/overview#subscribe
 *
 * Both documented forms of subscribe/unsubscribe: channels as names applying to the top-level
 * `product_ids`, or as `{"name","product_ids"}` objects. A channel object's products are its
 * own plus the top-level ones (the docs' example answer lists ticker with both). A subscribe is
 * all or nothing: the first problem is answered with `{"type":"error","message":"Failed to
 * subscribe","reason":...}` and nothing changes. An unsubscribe naming a channel without any
 * product leaves that channel entirely ("unsubscribe from a channel entirely by providing no
 * product IDs"); unknown channels and products in an unsubscribe are ignored.
 */
import { errorText, isSimChannel, type CoinbaseSimChannel } from './payloads';

/** One product on one channel. */
export interface ChannelProduct {
  readonly channel: CoinbaseSimChannel;
  readonly productId: string;
}

export type CoinbaseClientMessage =
  | { readonly kind: 'subscribe'; readonly pairs: readonly ChannelProduct[] }
  | {
      readonly kind: 'unsubscribe';
      readonly pairs: readonly ChannelProduct[];
      /** Channels to leave entirely. */
      readonly wholeChannels: readonly CoinbaseSimChannel[];
    }
  | {
      readonly kind: 'error';
      /** The error message to send back. */
      readonly response: string;
      /** True when the frame was not even a JSON object with a known type. */
      readonly malformed: boolean;
    };

/** Error texts of the simulator (the reasons Coinbase is known to give, and ours for the rest). */
export const CoinbaseClientErrors = {
  malformedJson: errorText('Malformed JSON'),
  unknownType: (type: unknown): string =>
    errorText(
      'Invalid message type',
      `${JSON.stringify(type)} is not a supported message type: use subscribe or unsubscribe`,
    ),
  failed: (verb: 'subscribe' | 'unsubscribe', reason: string): string =>
    errorText(`Failed to ${verb}`, reason),
  noProducts: (channel: string): string =>
    `You need to specify at least one product ID for channel ${channel}`,
  invalidProduct: (productId: string): string => `${productId} is not a valid product`,
  invalidChannel: (channel: string): string => `${channel} is not a valid channel`,
  noChannels: 'You must specify at least one channel',
  badProductIds: 'product_ids must be an array of product id strings',
  badChannel: 'channels must hold channel names or {"name","product_ids"} objects',
} as const;

function stringArray(value: unknown): string[] | undefined {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return undefined;
  const strings = value.filter((v): v is string => typeof v === 'string');
  return strings.length === value.length ? strings : undefined;
}

interface ChannelRequest {
  readonly name: string;
  readonly productIds: readonly string[];
}

/** The channels of a request with their products, or an error reason. */
function readChannels(message: Record<string, unknown>): ChannelRequest[] | string {
  const topLevel = stringArray(message['product_ids']);
  if (topLevel === undefined) return CoinbaseClientErrors.badProductIds;
  const channels = message['channels'];
  if (!Array.isArray(channels) || channels.length === 0) return CoinbaseClientErrors.noChannels;
  const requests: ChannelRequest[] = [];
  for (const channel of channels as unknown[]) {
    if (typeof channel === 'string') {
      requests.push({ name: channel, productIds: [...new Set(topLevel)] });
      continue;
    }
    if (typeof channel !== 'object' || channel === null || Array.isArray(channel)) {
      return CoinbaseClientErrors.badChannel;
    }
    const { name, product_ids: own } = channel as Record<string, unknown>;
    const ownIds = stringArray(own);
    if (typeof name !== 'string' || ownIds === undefined) return CoinbaseClientErrors.badChannel;
    requests.push({ name, productIds: [...new Set([...ownIds, ...topLevel])] });
  }
  return requests;
}

/**
 * Parses one client frame. `isProduct` says whether a product id is listed.
 */
export function parseCoinbaseClientMessage(
  text: string,
  isProduct: (productId: string) => boolean,
): CoinbaseClientMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'error', response: CoinbaseClientErrors.malformedJson, malformed: true };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'error', response: CoinbaseClientErrors.malformedJson, malformed: true };
  }
  const message = value as Record<string, unknown>;
  const type = message['type'];
  if (type !== 'subscribe' && type !== 'unsubscribe') {
    return { kind: 'error', response: CoinbaseClientErrors.unknownType(type), malformed: true };
  }
  const channels = readChannels(message);
  if (typeof channels === 'string') {
    return { kind: 'error', response: CoinbaseClientErrors.failed(type, channels), malformed: false };
  }
  const pairs: ChannelProduct[] = [];
  if (type === 'subscribe') {
    for (const { name, productIds } of channels) {
      const fail = (reason: string): CoinbaseClientMessage => ({
        kind: 'error',
        response: CoinbaseClientErrors.failed('subscribe', reason),
        malformed: false,
      });
      if (!isSimChannel(name)) return fail(CoinbaseClientErrors.invalidChannel(name));
      if (productIds.length === 0) return fail(CoinbaseClientErrors.noProducts(name));
      const invalid = productIds.find((id) => !isProduct(id));
      if (invalid !== undefined) return fail(CoinbaseClientErrors.invalidProduct(invalid));
      for (const productId of productIds) pairs.push({ channel: name, productId });
    }
    return { kind: 'subscribe', pairs };
  }
  const wholeChannels: CoinbaseSimChannel[] = [];
  for (const { name, productIds } of channels) {
    if (!isSimChannel(name)) continue;
    if (productIds.length === 0) wholeChannels.push(name);
    for (const productId of productIds) pairs.push({ channel: name, productId });
  }
  return { kind: 'unsubscribe', pairs, wholeChannels };
}
