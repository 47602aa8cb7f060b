/**
 * Massive message and body texts (exchanges.md Part B 5.4-5.12). Massive sends prices and sizes
 * as JSON NUMBERS in shortest form (`114.125`, `21` with no `.0`), so texts are assembled by hand
 * from exact decimals: no value takes a round trip through a double. Socket times are ms; REST
 * snapshot times (`lastTrade.t`, `lastQuote.t`, `updated`) are 19-digit nanoseconds.
 */
import { divideRounded, formatScaled, trimDecimal, UNITS_PER_ONE } from '../fixed-point';
import { jsonNumber } from '../finnhub/payloads';
import type { BookTop, Trade } from '../market-state';
import type { SymbolSpec } from '../symbol-catalog';

/** One status event, wrapped in the array every server message is. */
export function statusFrame(status: string, message: string): string {
  return `[${statusEvent(status, message)}]`;
}

export function statusEvent(status: string, message: string): string {
  return JSON.stringify({ ev: 'status', status, message });
}

/** The texts of the status events, as documented or observed. */
export const MassiveStatus = {
  connected: statusFrame('connected', 'Connected Successfully'),
  authSuccess: statusFrame('auth_success', 'authenticated'),
  authFailed: statusFrame('auth_failed', 'authentication failed'),
  /** Observed for a key whose plan has no WebSocket access (massivedotnet note). */
  noWebSocketAccess: statusFrame('auth_failed', "Your plan doesn't include websocket access."),
  /** Not documented: a delayed plan on the real-time host is refused in the same way [INFER]. */
  noRealtimeAccess: statusFrame('auth_failed', "Your plan doesn't include real-time data."),
  authTimeout: statusFrame('auth_timeout', 'No authentication request received.'),
  authRequired: statusFrame('auth_required', 'Please authenticate first.'),
  maxConnections: statusFrame('max_connections', 'Maximum number of connections exceeded.'),
  slowConsumer: statusFrame('slow_consumer', 'Connection too slow to keep up with data; disconnecting.'),
} as const;

/** One ack per subscribed item: `subscribed to: T.MSFT`. */
export function ackEvent(action: 'subscribed' | 'unsubscribed', item: string): string {
  return statusEvent('success', `${action} to: ${item}`);
}

function price(spec: SymbolSpec, ticks: number): string {
  return jsonNumber(BigInt(ticks) * spec.tickUnits);
}

/** Whole shares of a quantity in 1e-8 units. */
function shares(qty: bigint): bigint {
  return qty / UNITS_PER_ONE;
}

/** Quote sizes are round lots of 100 shares; a non-empty side shows at least one. */
export function lots(qty: bigint): string {
  const count = shares(qty) / 100n;
  return (count > 0n ? count : 1n).toString();
}

/** Trade conditions (0 regular sale, 12 form T, 37 odd lot...); cycled by trade id. */
const CONDITIONS: readonly string[] = ['[0]', '[12,37]', '[14,41]', '[0,12]', '[37]'];

export function tradeEvent(ticker: string, spec: SymbolSpec, trade: Trade, timeMs: number): string {
  return (
    `{"ev":"T","sym":${JSON.stringify(ticker)},"x":4,"i":"${trade.id}","z":3,"p":${price(spec, trade.priceTicks)},` +
    `"s":${shares(trade.qty).toString()},"c":${CONDITIONS[trade.id % CONDITIONS.length]},"t":${timeMs},"q":${trade.aggId}}`
  );
}

export function quoteEvent(ticker: string, spec: SymbolSpec, book: BookTop, timeMs: number): string {
  return (
    `{"ev":"Q","sym":${JSON.stringify(ticker)},"bx":4,"bp":${price(spec, book.bidTicks)},"bs":${lots(book.bidQty)},` +
    `"ax":7,"ap":${price(spec, book.askTicks)},"as":${lots(book.askQty)},"c":0,"i":[604],"t":${timeMs},"q":${book.updateId},"z":3}`
  );
}

/** A window's bar: ticks and volume in whole shares, `notional` in price units x shares. */
export interface Bar {
  openTicks: number;
  highTicks: number;
  lowTicks: number;
  closeTicks: number;
  volume: bigint;
  notional: bigint;
  trades: number;
}

/** VWAP to 4 decimals, as the examples print it (`"vw":25.3981`). */
function vwap(spec: SymbolSpec, bar: Bar): string {
  if (bar.volume === 0n) return price(spec, bar.closeTicks);
  const tenThousandths = divideRounded(bar.notional * 10_000n, bar.volume * UNITS_PER_ONE);
  return trimDecimal(formatScaled(tenThousandths, 4));
}

export function aggregateEvent(
  ticker: string,
  spec: SymbolSpec,
  bar: Bar,
  day: { openTicks: number; volume: bigint },
  startMs: number,
  endMs: number,
): string {
  return (
    `{"ev":"AM","sym":${JSON.stringify(ticker)},"v":${bar.volume.toString()},"av":${day.volume.toString()},` +
    `"op":${price(spec, day.openTicks)},"vw":${vwap(spec, bar)},"o":${price(spec, bar.openTicks)},` +
    `"c":${price(spec, bar.closeTicks)},"h":${price(spec, bar.highTicks)},"l":${price(spec, bar.lowTicks)},` +
    `"a":${vwap(spec, bar)},"z":${bar.trades === 0 ? 0 : (bar.volume / BigInt(bar.trades)).toString()},"s":${startMs},"e":${endMs}}`
  );
}

/**
 * A nanosecond time of `ms` whose last six digits are not zero (19 digits, beyond 2^53), so a
 * client that decodes it as a double visibly loses digits.
 */
export function nanos(ms: number, salt: number): string {
  return `${ms}${String(100_000 + (salt % 900_000)).padStart(6, '0')}`;
}

/** Massive's error bodies (third-party captures, 5.12). */
export const MassiveRestBodies = {
  unknownKey: (requestId: string) =>
    JSON.stringify({ status: 'ERROR', request_id: requestId, error: 'Unknown API Key' }),
  rateLimited: (requestId: string) =>
    JSON.stringify({
      status: 'ERROR',
      request_id: requestId,
      error:
        "You've exceeded the maximum requests per minute, please wait or upgrade your subscription to continue. https://massive.com/pricing",
    }),
  notEntitled: (requestId: string) =>
    JSON.stringify({
      status: 'NOT_AUTHORIZED',
      request_id: requestId,
      message: 'You are not entitled to this data. Please upgrade your plan at https://massive.com/pricing',
    }),
  notFound: '{"status":"NOT_FOUND","message":"Not found"}',
} as const;
