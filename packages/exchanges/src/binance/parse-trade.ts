/**
 * `<symbol>@trade` and `<symbol>@aggTrade` payloads: the last price and the traded quantity.
 * Docs: https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams#trade-streams
 * and #aggregate-trade-streams
 *
 * Trades recorded before 2024-06-18 also carry `b`/`a` (order ids); like any other unused key
 * they are ignored. The event time is `E`, not the trade time `T` (they can differ by a few ms).
 */
import type { TickerUpdate } from '@tickwire/core';
import { readDecimal, readSymbol, readTime } from './payload-fields';
import type { JsonObject } from './payload-fields';
import { newUpdate } from './ticker-update';

function parseTradeLike(payload: JsonObject, receiveTime: number, context: string): TickerUpdate {
  const quantity = readDecimal(payload, 'q', context);
  // tradeQty marks this update as one trade, so candles add its size exactly once.
  return newUpdate(readSymbol(payload, 's', context), readTime(payload, 'E', context), receiveTime, 'ws', {
    last: readDecimal(payload, 'p', context),
    lastQty: quantity,
    tradeQty: quantity,
  });
}

export function parseTrade(payload: JsonObject, receiveTime: number): TickerUpdate {
  return parseTradeLike(payload, receiveTime, 'trade');
}

export function parseAggTrade(payload: JsonObject, receiveTime: number): TickerUpdate {
  return parseTradeLike(payload, receiveTime, 'aggTrade');
}
