/**
 * `<symbol>@ticker` (`24hrTicker`) and `<symbol>@miniTicker` (`24hrMiniTicker`) payloads, also the
 * elements of `!miniTicker@arr` and of the retired `!ticker@arr`.
 * Docs: https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams#individual-symbol-ticker-streams
 * and #individual-symbol-mini-ticker-stream
 *
 * Field names are case-sensitive pairs (Q/q, B/b, A/a, C/c, L/l, P/p, O/o, E/e): each read below
 * names its key exactly once.
 */
import type { TickerUpdate } from '@tickwire/core';
import { readDecimal, readOptionalDecimal, readSymbol, readTime } from './payload-fields';
import type { JsonObject } from './payload-fields';
import { derivedChange, newUpdate } from './ticker-update';

/**
 * A 24hrTicker. The best bid/ask (`b`, `B`, `a`, `A`) are optional because USD-M futures send the
 * same event without them; when present they must be valid.
 */
export function parseTicker24hr(payload: JsonObject, receiveTime: number): TickerUpdate {
  const context = '24hrTicker';
  return newUpdate(readSymbol(payload, 's', context), readTime(payload, 'E', context), receiveTime, 'ws', {
    last: readDecimal(payload, 'c', context),
    lastQty: readDecimal(payload, 'Q', context),
    bid: readOptionalDecimal(payload, 'b', context),
    bidQty: readOptionalDecimal(payload, 'B', context),
    ask: readOptionalDecimal(payload, 'a', context),
    askQty: readOptionalDecimal(payload, 'A', context),
    open: readDecimal(payload, 'o', context),
    high: readDecimal(payload, 'h', context),
    low: readDecimal(payload, 'l', context),
    change: readDecimal(payload, 'p', context),
    changePct: readDecimal(payload, 'P', context),
    baseVolume: readDecimal(payload, 'v', context),
    quoteVolume: readDecimal(payload, 'q', context),
  });
}

/** A 24hrMiniTicker; change and percent change are derived exactly from `c` and `o`. */
export function parseMiniTicker(payload: JsonObject, receiveTime: number): TickerUpdate {
  const context = '24hrMiniTicker';
  const last = readDecimal(payload, 'c', context);
  const open = readDecimal(payload, 'o', context);
  return newUpdate(readSymbol(payload, 's', context), readTime(payload, 'E', context), receiveTime, 'ws', {
    last,
    open,
    high: readDecimal(payload, 'h', context),
    low: readDecimal(payload, 'l', context),
    ...derivedChange(open, last),
    baseVolume: readDecimal(payload, 'v', context),
    quoteVolume: readDecimal(payload, 'q', context),
  });
}
