/**
 * Live SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS requests.
 * Docs: https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams#live-subscribingunsubscribing-to-streams
 *
 * Every frame counts toward the 5 messages/s limit; pacing them is the connection's job, not
 * this file's.
 */
import { BINANCE_MAX_STREAMS_PER_CONTROL_FRAME } from './limits';

export type BinanceControlMethod = 'SUBSCRIBE' | 'UNSUBSCRIBE' | 'LIST_SUBSCRIPTIONS';

/** One request as sent, with its id so the caller can match the `{"result","id"}` answer. */
export interface BinanceControlFrame {
  id: number;
  method: BinanceControlMethod;
  streams: string[];
  text: string;
}

/**
 * Requests for `method` over `streams`, at most `chunkSize` streams each (Binance was seen to drop
 * very large SUBSCRIBE frames without an answer). Each frame takes a fresh id from `nextId`.
 * Duplicate streams are sent once; no streams give no frames.
 */
export function buildControlFrames(
  method: 'SUBSCRIBE' | 'UNSUBSCRIBE',
  streams: readonly string[],
  nextId: () => number,
  chunkSize: number = BINANCE_MAX_STREAMS_PER_CONTROL_FRAME,
): BinanceControlFrame[] {
  if (!Number.isInteger(chunkSize) || chunkSize < 1) {
    throw new RangeError(`chunkSize must be a positive integer, got ${chunkSize}`);
  }
  const unique = [...new Set(streams)];
  const frames: BinanceControlFrame[] = [];
  for (let start = 0; start < unique.length; start += chunkSize) {
    const chunk = unique.slice(start, start + chunkSize);
    const id = nextId();
    frames.push({ id, method, streams: chunk, text: JSON.stringify({ method, params: chunk, id }) });
  }
  return frames;
}

/** SUBSCRIBE text frames for `streams`, chunked; ids from `nextId`. */
export function subscribeFrames(streams: readonly string[], nextId: () => number): string[] {
  return buildControlFrames('SUBSCRIBE', streams, nextId).map((frame) => frame.text);
}

/** UNSUBSCRIBE text frames for `streams`, chunked; ids from `nextId`. */
export function unsubscribeFrames(streams: readonly string[], nextId: () => number): string[] {
  return buildControlFrames('UNSUBSCRIBE', streams, nextId).map((frame) => frame.text);
}

/** Asks for the connection's current streams; the answer is `{"result":["btcusdt@aggTrade"],"id":id}`. */
export function listSubscriptionsFrame(id: number): string {
  return JSON.stringify({ method: 'LIST_SUBSCRIPTIONS', id });
}
