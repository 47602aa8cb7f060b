/**
 * `<symbol>@bookTicker` payloads: best bid and ask.
 * Docs: https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams#individual-symbol-book-ticker-streams
 *
 * Spot sends no `e`, `E` or `T`, so the receive time stands in for the event time. The futures
 * shape (`e:"bookTicker"` with `E` and `T`) is accepted too, and then `E` is used.
 */
import type { TickerUpdate } from '@tickwire/core';
import { readDecimal, readOptionalTime, readSymbol } from './payload-fields';
import type { JsonObject } from './payload-fields';
import { newUpdate } from './ticker-update';

export function parseBookTicker(payload: JsonObject, receiveTime: number): TickerUpdate {
  const context = 'bookTicker';
  const eventTime = readOptionalTime(payload, 'E', context) ?? receiveTime;
  return newUpdate(readSymbol(payload, 's', context), eventTime, receiveTime, 'ws', {
    bid: readDecimal(payload, 'b', context),
    bidQty: readDecimal(payload, 'B', context),
    ask: readDecimal(payload, 'a', context),
    askQty: readDecimal(payload, 'A', context),
  });
}
