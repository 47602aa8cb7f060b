/**
 * `{"type":"trade","data":[...]}` frames: one update per trade, in wire order.
 * Docs: https://finnhub.io/docs/api/websocket-trades
 *
 *   {"data":[{"c":["1","24","12"],"p":146.76,"s":"AAPL","t":1628238530221,"v":43}],"type":"trade"}
 *
 * - `s` symbol, `p` last price, `t` UNIX time in MILLISECONDS, `v` volume; `p`/`v` are JSON
 *   numbers (kept exactly, see number-fields.ts).
 * - "A message can contain multiple trades": one frame mixes symbols and repeats times.
 * - `c` (trade conditions, strings) is an array, `null` or absent; Tickwire does not use it.
 * - Where a venue has no trades, "a price update will be sent with volume = 0": that update
 *   carries the price only, no quantity, so candles do not count a trade that did not happen.
 */
import { compareDecimal } from '@tickwire/core';
import type { TickerUpdate } from '@tickwire/core';
import { PayloadError, fieldError, isJsonObject, preview, readArray, readString } from '../payload-fields';
import type { JsonObject } from '../payload-fields';
import { newTickerUpdate } from '../ticker-update';
import { readNumberDecimal, readWholeNumber } from './number-fields';
import { finnhubToSymbol } from './symbols';

function parseTradeItem(item: JsonObject, receiveTime: number, context: string): TickerUpdate {
  const finnhubSymbol = readString(item, 's', context);
  const symbol = finnhubToSymbol(finnhubSymbol);
  if (symbol === undefined) fieldError(context, 's', 'a symbol Tickwire can carry', finnhubSymbol);
  const volume = readNumberDecimal(item, 'v', context);
  const sign = compareDecimal(volume, '0');
  if (sign < 0) fieldError(context, 'v', 'a non-negative number', volume);
  // Exactly one trade per element: its volume is the trade's size (tradeQty), unless it is 0.
  const quantity = sign === 0 ? undefined : volume;
  return newTickerUpdate('finnhub', symbol, readWholeNumber(item, 't', context), receiveTime, 'ws', {
    last: readNumberDecimal(item, 'p', context),
    lastQty: quantity,
    tradeQty: quantity,
  });
}

/** Every element of `data`; one bad element makes the frame malformed, as for Binance arrays. */
export function parseTrades(payload: JsonObject, receiveTime: number): TickerUpdate[] {
  return readArray(payload, 'data', 'trade').map((item, index) => {
    const context = `trade ${index}`;
    if (!isJsonObject(item)) throw new PayloadError(`${context}: expected an object, got ${preview(item)}`);
    return parseTradeItem(item, receiveTime, context);
  });
}
