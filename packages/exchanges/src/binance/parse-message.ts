/**
 * One Binance WebSocket text frame to one {@link FeedMessage}. Never throws.
 * Docs: https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams
 *
 * Frames come bare (`/ws/<stream>`) or wrapped (`/stream`: `{"stream":"<name>","data":<payload>}`);
 * control answers are bare on both. Payloads are recognised by their `e` event type; the one
 * stream without `e` (spot bookTicker) is recognised by its stream name or, bare, by its keys.
 * Unknown keys and unknown event types are not errors: Binance adds both over time.
 */
import type { TickerUpdate } from '@tickwire/core';
import type { FeedMessage } from '../feed-message';
import { parseBookTicker } from './parse-book-ticker';
import { parseAck, parseFlatError, parseNestedError } from './parse-control';
import { parseKline } from './parse-kline';
import { parseMiniTicker, parseTicker24hr } from './parse-ticker';
import { parseAggTrade, parseTrade } from './parse-trade';
import { PayloadError, has, isJsonObject, preview } from './payload-fields';
import type { JsonObject } from './payload-fields';

type PayloadParser = (payload: JsonObject, receiveTime: number) => TickerUpdate;

/** Event types that become ticker updates. A Map, so `"e":"constructor"` finds nothing. */
const EVENT_PARSERS: ReadonlyMap<string, PayloadParser> = new Map([
  ['24hrTicker', parseTicker24hr],
  ['24hrMiniTicker', parseMiniTicker],
  ['bookTicker', parseBookTicker], // futures shape; spot bookTicker has no `e`
  ['trade', parseTrade],
  ['aggTrade', parseAggTrade],
  ['kline', parseKline],
]);

/** Event types allowed inside array frames (`!miniTicker@arr`, the retired `!ticker@arr`). */
const ARRAY_EVENT_PARSERS: ReadonlyMap<string, PayloadParser> = new Map([
  ['24hrTicker', parseTicker24hr],
  ['24hrMiniTicker', parseMiniTicker],
]);

const SERVER_SHUTDOWN_EVENT = 'serverShutdown';

function malformed(reason: string): FeedMessage {
  return { type: 'malformed', reason };
}

function ignored(reason: string): FeedMessage {
  return { type: 'ignored', reason };
}

function isBookTickerStream(stream: string): boolean {
  // `!bookTicker` is the retired all-market stream; its payloads have the per-symbol shape.
  return stream.endsWith('@bookTicker') || stream === '!bookTicker';
}

/** Array frames: every element must be an event object; elements of other types are skipped. */
function parseArray(items: readonly unknown[], receiveTime: number): FeedMessage {
  const updates: TickerUpdate[] = [];
  const skipped = new Set<string>();
  items.forEach((item, index) => {
    if (!isJsonObject(item)) {
      throw new PayloadError(`array element ${index}: expected an object, got ${preview(item)}`);
    }
    const event = has(item, 'e') ? item['e'] : undefined;
    if (typeof event !== 'string') {
      throw new PayloadError(`array element ${index}: field "e" must be a string, got ${preview(event)}`);
    }
    const parser = ARRAY_EVENT_PARSERS.get(event);
    if (parser === undefined) {
      skipped.add(event);
      return;
    }
    try {
      updates.push(parser(item, receiveTime));
    } catch (error) {
      if (error instanceof PayloadError) throw new PayloadError(`array element ${index}: ${error.message}`);
      throw error;
    }
  });
  if (updates.length === 0 && skipped.size > 0) {
    return ignored(`array of unhandled events ${[...skipped].map((e) => JSON.stringify(e)).join(', ')}`);
  }
  return { type: 'tickers', updates };
}

/** A payload object, bare or taken out of a combined envelope (then `stream` names it). */
function parseObject(payload: JsonObject, receiveTime: number, stream: string | undefined): FeedMessage {
  if (has(payload, 'e')) {
    const event = payload['e'];
    if (typeof event !== 'string') return malformed(`field "e" must be a string, got ${preview(event)}`);
    const parser = EVENT_PARSERS.get(event);
    if (parser !== undefined) return { type: 'tickers', updates: [parser(payload, receiveTime)] };
    if (event === SERVER_SHUTDOWN_EVENT) {
      // Reconnecting matters more than the timestamp: a shutdown with a bad `E` still counts.
      const time = payload['E'];
      const valid = typeof time === 'number' && Number.isSafeInteger(time) && time >= 0;
      return { type: 'shutdown', time: valid ? time : receiveTime };
    }
    return ignored(`unhandled event ${JSON.stringify(event)}`);
  }
  if (stream !== undefined) {
    if (!isBookTickerStream(stream)) return ignored(`unhandled stream ${JSON.stringify(stream)}`);
    return { type: 'tickers', updates: [parseBookTicker(payload, receiveTime)] };
  }
  if (has(payload, 'code') || has(payload, 'msg')) return parseFlatError(payload);
  // Partial book depth (`<symbol>@depth<n>`) is the other payload without `e`.
  if (has(payload, 'lastUpdateId')) return ignored('partial depth payload');
  if (has(payload, 'u') || has(payload, 'b') || has(payload, 'a')) {
    return { type: 'tickers', updates: [parseBookTicker(payload, receiveTime)] };
  }
  return malformed(`unrecognised object with keys ${preview(Object.keys(payload))}`);
}

function parseEnvelope(envelope: JsonObject, receiveTime: number): FeedMessage {
  const stream = envelope['stream'];
  if (typeof stream !== 'string' || stream.length === 0) {
    return malformed(`combined frame: field "stream" must be a non-empty string, got ${preview(stream)}`);
  }
  const data = has(envelope, 'data') ? envelope['data'] : undefined;
  if (Array.isArray(data)) return parseArray(data, receiveTime);
  if (!isJsonObject(data)) {
    return malformed(
      `combined frame ${JSON.stringify(stream)}: field "data" must be an object or array, got ${preview(data)}`,
    );
  }
  return parseObject(data, receiveTime, stream);
}

/**
 * Like {@link parseBinanceMessage} for a frame that is already JSON-decoded. Never throws.
 */
export function parseBinancePayload(decoded: unknown, receiveTime: number): FeedMessage {
  try {
    if (Array.isArray(decoded)) return parseArray(decoded, receiveTime);
    if (!isJsonObject(decoded)) return malformed(`expected a JSON object or array, got ${preview(decoded)}`);
    if (has(decoded, 'stream')) return parseEnvelope(decoded, receiveTime);
    if (has(decoded, 'result')) return parseAck(decoded);
    if (has(decoded, 'error')) return parseNestedError(decoded);
    return parseObject(decoded, receiveTime, undefined);
  } catch (error) {
    if (error instanceof PayloadError) return malformed(error.message);
    // Not expected: every read validates first. Still, a parser must never take the connection down.
    return malformed(`parser failure: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Parses one Binance text frame received at `receiveTime` (ms). Never throws: a frame that breaks
 * the protocol becomes `malformed` with a reason, a valid frame Tickwire has no use for `ignored`.
 */
export function parseBinanceMessage(text: string, receiveTime: number): FeedMessage {
  if (text.length === 0) return malformed('empty frame');
  let decoded: unknown;
  try {
    decoded = JSON.parse(text);
  } catch (error) {
    return malformed(`invalid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseBinancePayload(decoded, receiveTime);
}
