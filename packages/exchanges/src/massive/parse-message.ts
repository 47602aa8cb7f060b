/**
 * One Massive WebSocket text frame to one {@link FeedMessage}. Never throws.
 * Docs: exchanges.md Part B 5.4-5.6 (`.massive/websocket.json`, stocks cluster).
 *
 * Every server frame is a JSON array of events, told apart by `ev`, and one frame may mix them
 * (`[{"ev":"T",…},{"ev":"Q",…}]`):
 * - `T` trade: `p` price, `s` size (`ds`, when sent, the fractional size as a decimal string),
 *   `t` SIP time in ms -> last, lastQty, tradeQty;
 * - `Q` NBBO quote: `bp`/`ap` prices, `bs`/`as` sizes in ROUND LOTS (x100 shares) -> bid/ask;
 * - `A` (per second) and `AM` (per minute) aggregates: `c` the window's close, `op` today's
 *   official open, `av` today's accumulated volume, `e` the window end in ms -> last, open,
 *   baseVolume (and the change against the open); an `AM` also carries its minute as a `bar`
 *   (`o`/`h`/`l`/`c`/`v`, start `s`), the candle of that minute;
 * - `status`: `connected`, `auth_success` and subscribe/unsubscribe `success` are acks; every
 *   other status (`auth_failed`, `auth_timeout`, `auth_required`, `error`, `max_connections`,
 *   `force_disconnect`, `slow_consumer`) is an error frame with a stable code.
 * Other events (`LULD`, `NOI`, `FMV`, `LV`) are skipped. Prices are JSON numbers, kept as their
 * exact source text. A frame yields one message: its updates when it has any (a status mixed
 * into a data frame is not documented), else its first error status, else its first ack.
 */
import type { ExchangeBar, TickerUpdate } from '@tickwire/core';
import type { FeedMessage } from '../feed-message';
import { readWholeNumber } from '../finnhub/number-fields';
import { parseJsonKeepingNumbers } from '../lossless-json';
import { PayloadError, field, fieldError, isJsonObject, preview, readString } from '../payload-fields';
import type { JsonObject } from '../payload-fields';
import { derivedChange, newTickerUpdate } from '../ticker-update';
import { readJsonNumber, readLotsAsShares } from './number-fields';
import { massiveToSymbol } from './symbols';

/** Codes of Massive status events that are not acks; stable, low-cardinality metric labels. */
export const MassiveFeedErrorCode = {
  AuthFailed: 'MASSIVE_AUTH_FAILED',
  AuthTimeout: 'MASSIVE_AUTH_TIMEOUT',
  AuthRequired: 'MASSIVE_AUTH_REQUIRED',
  MaxConnections: 'MASSIVE_MAX_CONNECTIONS',
  ForceDisconnect: 'MASSIVE_FORCE_DISCONNECT',
  SlowConsumer: 'MASSIVE_SLOW_CONSUMER',
  Other: 'MASSIVE_ERROR',
} as const;

const ERROR_CODES: Readonly<Record<string, string>> = {
  auth_failed: MassiveFeedErrorCode.AuthFailed,
  auth_timeout: MassiveFeedErrorCode.AuthTimeout,
  auth_required: MassiveFeedErrorCode.AuthRequired,
  max_connections: MassiveFeedErrorCode.MaxConnections,
  force_disconnect: MassiveFeedErrorCode.ForceDisconnect,
  slow_consumer: MassiveFeedErrorCode.SlowConsumer,
  error: MassiveFeedErrorCode.Other,
};

/** Statuses that acknowledge: on connect (`connected`; the spec says `success`), auth, (un)subscribe. */
const ACK_STATUSES: ReadonlySet<string> = new Set(['connected', 'success', 'auth_success']);

function symbolOf(event: JsonObject, context: string): string {
  const ticker = readString(event, 'sym', context);
  const symbol = massiveToSymbol(ticker);
  if (symbol === undefined) fieldError(context, 'sym', 'a ticker Tickwire can carry', ticker);
  return symbol;
}

function parseTrade(event: JsonObject, receiveTime: number, context: string): TickerUpdate {
  const fractional = field(event, 'ds');
  // `ds` is the exact size of fractional-share trades; `s` is its whole-share rounding.
  const size =
    typeof fractional === 'string' && fractional !== ''
      ? readDecimalText(fractional, context)
      : readJsonNumber(event, 's', context);
  return newTickerUpdate(
    'massive',
    symbolOf(event, context),
    readWholeNumber(event, 't', context),
    receiveTime,
    'ws',
    {
      last: readJsonNumber(event, 'p', context),
      lastQty: size,
      tradeQty: size,
    },
  );
}

function readDecimalText(text: string, context: string): string {
  const decimal = /^\d+(?:\.\d+)?$/u.test(text) ? text : undefined;
  if (decimal === undefined) fieldError(context, 'ds', 'a decimal string', text);
  return decimal;
}

function parseQuote(event: JsonObject, receiveTime: number, context: string): TickerUpdate {
  return newTickerUpdate(
    'massive',
    symbolOf(event, context),
    readWholeNumber(event, 't', context),
    receiveTime,
    'ws',
    {
      bid: readJsonNumber(event, 'bp', context),
      bidQty: readLotsAsShares(event, 'bs', context),
      ask: readJsonNumber(event, 'ap', context),
      askQty: readLotsAsShares(event, 'as', context),
    },
  );
}

/** Window lengths of the aggregates (`e - s`), and the candle interval of the one kept as a bar. */
const AGGREGATE_WINDOW_MS = { A: 1_000, AM: 60_000 } as const;

/**
 * An `AM` event's own minute bar, exact text: Massive's authoritative candle of that minute
 * (`s` its start, `e` its end, both ms). A window that is not one UTC minute is malformed.
 */
function minuteBar(event: JsonObject, context: string): ExchangeBar {
  const openTime = readWholeNumber(event, 's', context);
  const endTime = readWholeNumber(event, 'e', context);
  if (openTime % AGGREGATE_WINDOW_MS.AM !== 0 || endTime - openTime !== AGGREGATE_WINDOW_MS.AM)
    fieldError(context, 'e', 'the end of the UTC minute that starts at s', endTime);
  return {
    interval: '1m',
    openTime,
    open: readJsonNumber(event, 'o', context),
    high: readJsonNumber(event, 'h', context),
    low: readJsonNumber(event, 'l', context),
    close: readJsonNumber(event, 'c', context),
    volume: readJsonNumber(event, 'v', context),
  };
}

function parseAggregate(
  event: JsonObject,
  receiveTime: number,
  context: string,
  ev: keyof typeof AGGREGATE_WINDOW_MS,
): TickerUpdate {
  const open = readJsonNumber(event, 'op', context);
  const last = readJsonNumber(event, 'c', context);
  const { change, changePct } = derivedChange(open, last);
  const update = newTickerUpdate(
    'massive',
    symbolOf(event, context),
    readWholeNumber(event, 'e', context),
    receiveTime,
    'ws',
    {
      last,
      open,
      change,
      changePct,
      baseVolume: readJsonNumber(event, 'av', context),
    },
  );
  return ev === 'AM' ? { ...update, bar: minuteBar(event, context) } : update;
}

type StatusMessage = Extract<FeedMessage, { type: 'ack' | 'error' }>;

function parseStatus(event: JsonObject, context: string): StatusMessage {
  const status = readString(event, 'status', context);
  const text = field(event, 'message');
  const message = typeof text === 'string' ? text : '';
  if (ACK_STATUSES.has(status)) return { type: 'ack', id: null, result: { status, message } };
  const code = ERROR_CODES[status] ?? MassiveFeedErrorCode.Other;
  return { type: 'error', id: null, code, message: message === '' ? status : `${status}: ${message}` };
}

/**
 * Like {@link parseMassiveMessage} for a frame already decoded, by `parseJsonKeepingNumbers`
 * (exact) or `JSON.parse` (numbers as doubles). Never throws.
 */
export function parseMassivePayload(decoded: unknown, receiveTime: number): FeedMessage {
  try {
    if (!Array.isArray(decoded)) return malformed(`expected a JSON array of events, got ${preview(decoded)}`);
    const updates: TickerUpdate[] = [];
    const statuses: StatusMessage[] = [];
    let skipped = 0;
    decoded.forEach((event: unknown, index) => {
      const context = `event ${index}`;
      if (!isJsonObject(event))
        throw new PayloadError(`${context}: expected an object, got ${preview(event)}`);
      const ev = readString(event, 'ev', context);
      switch (ev) {
        case 'T':
          updates.push(parseTrade(event, receiveTime, `${context} (T)`));
          return;
        case 'Q':
          updates.push(parseQuote(event, receiveTime, `${context} (Q)`));
          return;
        case 'A':
        case 'AM':
          updates.push(parseAggregate(event, receiveTime, `${context} (${ev})`, ev));
          return;
        case 'status':
          statuses.push(parseStatus(event, `${context} (status)`));
          return;
        default:
          skipped += 1;
      }
    });
    if (updates.length > 0) return { type: 'tickers', updates };
    const status = statuses.find((s) => s.type === 'error') ?? statuses[0];
    if (status) return status;
    return {
      type: 'ignored',
      reason: skipped > 0 ? `${skipped} event(s) Tickwire does not use` : 'empty event array',
    };
  } catch (error) {
    if (error instanceof PayloadError) return malformed(error.message);
    return malformed(`parser failure: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function malformed(reason: string): FeedMessage {
  return { type: 'malformed', reason };
}

/** Parses one Massive text frame received at `receiveTime` (ms); numbers keep every digit. Never throws. */
export function parseMassiveMessage(text: string, receiveTime: number): FeedMessage {
  if (text.length === 0) return malformed('empty frame');
  let decoded: unknown;
  try {
    decoded = parseJsonKeepingNumbers(text);
  } catch (error) {
    return malformed(`invalid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseMassivePayload(decoded, receiveTime);
}
