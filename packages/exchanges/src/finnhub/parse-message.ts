/**
 * One Finnhub WebSocket text frame to one {@link FeedMessage}. Never throws.
 * Docs: https://finnhub.io/docs/api/websocket-trades
 *
 * Three server messages are known, told apart by `type` (key order varies: the recorded frames
 * put `data` before `type`):
 * - `trade`: tickers, one per trade;
 * - `ping`: an application TEXT frame `{"type":"ping"}`, not a WebSocket ping; no answer is
 *   documented, so it is a `heartbeat` (proof of life only);
 * - `error`: `{"msg":"Subscribing to too many symbols","type":"error"}`, without an id or a
 *   symbol.
 * Other types (`news`, press releases on premium plans, anything new) are `ignored`.
 */
import type { FeedMessage } from '../feed-message';
import { parseJsonKeepingNumbers } from '../lossless-json';
import { PayloadError, field, has, isJsonObject, preview } from '../payload-fields';
import { parseTrades } from './parse-trade';

/** Codes of Finnhub error frames (Finnhub sends text only); stable, low-cardinality metric labels. */
export const FinnhubFeedErrorCode = {
  /** Over the plan's symbols per connection; the overflow symbols stay silent. */
  TooManySymbols: 'FINNHUB_TOO_MANY_SYMBOLS',
  /** Any other error text. */
  Other: 'FINNHUB_ERROR',
} as const;

const TOO_MANY_SYMBOLS_RE = /too many symbols/iu;

function malformed(reason: string): FeedMessage {
  return { type: 'malformed', reason };
}

function parseError(payload: Record<string, unknown>): FeedMessage {
  const msg = field(payload, 'msg');
  // An error frame is worth reporting even without its text.
  const message = typeof msg === 'string' ? msg : `error frame without "msg" (${preview(msg)})`;
  const code = TOO_MANY_SYMBOLS_RE.test(message)
    ? FinnhubFeedErrorCode.TooManySymbols
    : FinnhubFeedErrorCode.Other;
  return { type: 'error', id: null, code, message };
}

/**
 * Like {@link parseFinnhubMessage} for a frame already decoded, by `parseJsonKeepingNumbers`
 * (exact) or `JSON.parse` (numbers as doubles). Never throws.
 */
export function parseFinnhubPayload(decoded: unknown, receiveTime: number): FeedMessage {
  try {
    if (!isJsonObject(decoded)) return malformed(`expected a JSON object, got ${preview(decoded)}`);
    const type = has(decoded, 'type') ? decoded['type'] : undefined;
    if (typeof type !== 'string') return malformed(`field "type" must be a string, got ${preview(type)}`);
    switch (type) {
      case 'trade':
        return { type: 'tickers', updates: parseTrades(decoded, receiveTime) };
      case 'ping':
        return { type: 'heartbeat' };
      case 'error':
        return parseError(decoded);
      default:
        return { type: 'ignored', reason: `unhandled message type ${JSON.stringify(type)}` };
    }
  } catch (error) {
    if (error instanceof PayloadError) return malformed(error.message);
    // Not expected: every read validates first. Still, a parser must never take the connection down.
    return malformed(`parser failure: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Parses one Finnhub text frame received at `receiveTime` (ms). Numbers are read from the text
 * itself, so prices and volumes keep every digit. Never throws.
 */
export function parseFinnhubMessage(text: string, receiveTime: number): FeedMessage {
  if (text.length === 0) return malformed('empty frame');
  let decoded: unknown;
  try {
    decoded = parseJsonKeepingNumbers(text);
  } catch (error) {
    return malformed(`invalid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseFinnhubPayload(decoded, receiveTime);
}
