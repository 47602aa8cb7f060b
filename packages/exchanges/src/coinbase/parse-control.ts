/**
 * Coinbase server messages that are not prices: `subscriptions` (the acknowledgement),
 * `heartbeat` and `error`.
 * Docs: https://docs.cdp.coinbase.com/exchange/websocket-feed/overview and
 * https://docs.cdp.coinbase.com/exchange/websocket-feed/channels#heartbeat-channel
 */
import type { FeedMessage, HeartbeatMessage } from '../feed-message';
import {
  PayloadError,
  field,
  isJsonObject,
  preview,
  readArray,
  readInteger,
  readString,
} from '../payload-fields';
import type { JsonObject } from '../payload-fields';
import { readOptionalCount, readOptionalIsoTime, readProductSymbol } from './coinbase-fields';

/** Codes of Coinbase error messages (Coinbase sends text only); stable, low-cardinality metric labels. */
export const CoinbaseFeedErrorCode = {
  /** "Failed to subscribe": the reason names the channel or product at fault. */
  SubscribeFailed: 'COINBASE_SUBSCRIBE_FAILED',
  /** Any other error message. */
  Other: 'COINBASE_ERROR',
} as const;

function readChannelStreams(channel: unknown, index: number): string[] {
  const context = `subscriptions channel ${index}`;
  // Channels come as {name, product_ids}; a bare name is accepted for channels without products.
  if (typeof channel === 'string' && channel.length > 0) return [channel];
  if (!isJsonObject(channel))
    throw new PayloadError(`${context}: expected an object, got ${preview(channel)}`);
  const name = readString(channel, 'name', context);
  const products = field(channel, 'product_ids');
  if (products === undefined || products === null) return [name];
  const productIds = readArray(channel, 'product_ids', context);
  return productIds.map((productId, position) => {
    if (typeof productId !== 'string' || productId.length === 0) {
      throw new PayloadError(
        `${context}: product_ids[${position}] must be a non-empty string, got ${preview(productId)}`,
      );
    }
    return `${name}:${productId}`;
  });
}

/**
 * `{"type":"subscriptions","channels":[{"name":"ticker","product_ids":[...]},...]}`, sent after
 * every subscribe and unsubscribe with the connection's whole state (product order differs
 * from the request's). `streams` lists it as `<channel>:<product>`, as `streamsFor` names them.
 */
export function parseSubscriptions(payload: JsonObject): FeedMessage {
  const channels = readArray(payload, 'channels', 'subscriptions');
  const streams = channels.flatMap((channel, index) => readChannelStreams(channel, index));
  return { type: 'ack', id: null, result: channels, streams };
}

/**
 * `{"type":"heartbeat","sequence":90,"last_trade_id":20,"product_id":"BTC-USD","time":"..."}`,
 * one per product per second. Liveness for the watchdog, and the input of
 * `CoinbaseHeartbeatGapDetector`. `last_trade_id` has been reported to be always 0.
 */
export function parseHeartbeat(payload: JsonObject): HeartbeatMessage {
  const context = 'heartbeat';
  const sequence = readInteger(payload, 'sequence', context);
  if (sequence < 0)
    throw new PayloadError(`${context}: field "sequence" must be non-negative, got ${sequence}`);
  const message: HeartbeatMessage = {
    type: 'heartbeat',
    symbol: readProductSymbol(payload, context),
    sequence,
  };
  const lastTradeId = readOptionalCount(payload, 'last_trade_id', context);
  if (lastTradeId !== undefined) message.lastTradeId = lastTradeId;
  const time = readOptionalIsoTime(payload, 'time', context);
  if (time !== undefined) message.time = time;
  return message;
}

/**
 * `{"type":"error","message":"Failed to subscribe","reason":"You need to specify at least one
 * product ID for channel heartbeat"}`. No id: Coinbase does not number requests.
 */
export function parseError(payload: JsonObject): FeedMessage {
  const messageText = field(payload, 'message');
  const reason = field(payload, 'reason');
  // An error is worth reporting even without its text.
  const message =
    typeof messageText === 'string' ? messageText : `error without "message" (${preview(messageText)})`;
  const code = /^failed to subscribe/iu.test(message)
    ? CoinbaseFeedErrorCode.SubscribeFailed
    : CoinbaseFeedErrorCode.Other;
  return {
    type: 'error',
    id: null,
    code,
    message: typeof reason === 'string' && reason.length > 0 ? `${message}: ${reason}` : message,
  };
}
