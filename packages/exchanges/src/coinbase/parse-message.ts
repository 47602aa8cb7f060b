/**
 * One Coinbase Exchange WebSocket text frame to one {@link FeedMessage}. Never throws.
 * Docs: https://docs.cdp.coinbase.com/exchange/websocket-feed/overview
 *
 * Every message has a `type`: `ticker`, `match`/`last_match` -> tickers; `heartbeat` -> heartbeat
 * (with product, sequence and time); `subscriptions` -> a cumulative ack; `error` -> error.
 * "New message types can be added at any time. Clients are expected to ignore messages they do
 * not support": every other type (`l2update`, `snapshot`, `status`, ...) is `ignored`.
 */
import type { TickerUpdate } from '@tickwire/core';
import type { FeedMessage } from '../feed-message';
import { PayloadError, has, isJsonObject, preview } from '../payload-fields';
import type { JsonObject } from '../payload-fields';
import { parseError, parseHeartbeat, parseSubscriptions } from './parse-control';
import { parseMatch } from './parse-match';
import { parseTicker } from './parse-ticker';

type PayloadParser = (payload: JsonObject, receiveTime: number) => FeedMessage;

function tickers(update: TickerUpdate): FeedMessage {
  return { type: 'tickers', updates: [update] };
}

/** A Map, so `"type":"constructor"` finds nothing. */
const PARSERS: ReadonlyMap<string, PayloadParser> = new Map<string, PayloadParser>([
  ['ticker', (payload, receiveTime) => tickers(parseTicker(payload, receiveTime))],
  ['match', (payload, receiveTime) => tickers(parseMatch(payload, receiveTime, true))],
  ['last_match', (payload, receiveTime) => tickers(parseMatch(payload, receiveTime, false))],
  ['heartbeat', (payload) => parseHeartbeat(payload)],
  ['subscriptions', (payload) => parseSubscriptions(payload)],
  ['error', (payload) => parseError(payload)],
]);

function malformed(reason: string): FeedMessage {
  return { type: 'malformed', reason };
}

/** Like {@link parseCoinbaseMessage} for a frame that is already JSON-decoded. Never throws. */
export function parseCoinbasePayload(decoded: unknown, receiveTime: number): FeedMessage {
  try {
    if (!isJsonObject(decoded)) return malformed(`expected a JSON object, got ${preview(decoded)}`);
    const type = has(decoded, 'type') ? decoded['type'] : undefined;
    if (typeof type !== 'string') return malformed(`field "type" must be a string, got ${preview(type)}`);
    const parser = PARSERS.get(type);
    if (parser === undefined)
      return { type: 'ignored', reason: `unhandled message type ${JSON.stringify(type)}` };
    return parser(decoded, receiveTime);
  } catch (error) {
    if (error instanceof PayloadError) return malformed(error.message);
    // Not expected: every read validates first. Still, a parser must never take the connection down.
    return malformed(`parser failure: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Parses one Coinbase text frame received at `receiveTime` (ms). Never throws: a frame that
 * breaks the protocol becomes `malformed` with a reason, a valid frame Tickwire has no use for
 * `ignored`. Prices are strings on Coinbase, so `JSON.parse` loses nothing.
 */
export function parseCoinbaseMessage(text: string, receiveTime: number): FeedMessage {
  if (text.length === 0) return malformed('empty frame');
  let decoded: unknown;
  try {
    decoded = JSON.parse(text);
  } catch (error) {
    return malformed(`invalid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseCoinbasePayload(decoded, receiveTime);
}
