/**
 * `matches` channel messages: one trade each.
 * Docs: https://docs.cdp.coinbase.com/exchange/websocket-feed/channels#match
 *
 *   {"type":"match","trade_id":10,"sequence":50,"maker_order_id":"...","taker_order_id":"...",
 *    "time":"2014-11-07T08:19:27.028459Z","product_id":"BTC-USD","size":"5.23512",
 *    "price":"400.23","side":"sell"}
 *
 * A `match` is exactly one trade, so its size is the update's `tradeQty`. Right after
 * subscribing the server sends the product's most recent trade as `last_match`: a price, but not
 * a new trade, so it carries no `tradeQty` (counting it would add old volume to a candle).
 */
import type { TickerUpdate } from '@tickwire/core';
import { readDecimal } from '../payload-fields';
import type { JsonObject } from '../payload-fields';
import { newTickerUpdate } from '../ticker-update';
import { readOptionalIsoTime, readProductSymbol } from './coinbase-fields';

export function parseMatch(payload: JsonObject, receiveTime: number, isNewTrade: boolean): TickerUpdate {
  const context = isNewTrade ? 'match' : 'last_match';
  const size = readDecimal(payload, 'size', context);
  return newTickerUpdate(
    'coinbase',
    readProductSymbol(payload, context),
    readOptionalIsoTime(payload, 'time', context) ?? receiveTime,
    receiveTime,
    'ws',
    { last: readDecimal(payload, 'price', context), lastQty: size, tradeQty: isNewTrade ? size : undefined },
  );
}
