/**
 * `ticker` channel messages: last price, best bid/ask and 24 h statistics of one product.
 * Docs: https://docs.cdp.coinbase.com/exchange/websocket-feed/channels#ticker-channel
 *
 *   {"type":"ticker","sequence":333938798,"product_id":"BAND-GBP","price":"14.7775",
 *    "open_24h":"14.6647","volume_24h":"94381.28000000","low_24h":"14.3691","high_24h":"16.55",
 *    "volume_30d":"...","best_bid":"14.7550","best_ask":"14.8060","side":"buy",
 *    "time":"2021-04-17T16:43:30.244075Z","trade_id":881613,"last_size":"0.04"}
 *
 * - Sent after every match but "batched in case of cascading matches": `last_size` is the last
 *   match's size, not the batch's, so the update never sets `tradeQty` (candle volume comes
 *   from the `matches` channel).
 * - `sequence` is the product's feed-wide sequence: consecutive tickers skip numbers normally.
 *   It is not used; gaps are detected on the `heartbeat` channel.
 * - `best_bid_size`/`best_ask_size` appeared in 2021-2022; older messages lack them. The first
 *   ticker after subscribing repeats the product's last one and can be old (107 s in the
 *   cryptofeed recording): its own `time` is kept as the event time. Only `product_id` and
 *   `price` are required; a ticker without `time` is stamped with the receive time.
 * - Change and percent change are derived exactly from `open_24h` and `price`.
 */
import type { TickerUpdate } from '@tickwire/core';
import { readDecimal } from '../payload-fields';
import type { JsonObject } from '../payload-fields';
import { derivedChange, newTickerUpdate } from '../ticker-update';
import { readNullableDecimal, readOptionalIsoTime, readProductSymbol } from './coinbase-fields';

export function parseTicker(payload: JsonObject, receiveTime: number): TickerUpdate {
  const context = 'ticker';
  const last = readDecimal(payload, 'price', context);
  const open = readNullableDecimal(payload, 'open_24h', context);
  const change = open === undefined ? undefined : derivedChange(open, last);
  return newTickerUpdate(
    'coinbase',
    readProductSymbol(payload, context),
    readOptionalIsoTime(payload, 'time', context) ?? receiveTime,
    receiveTime,
    'ws',
    {
      last,
      lastQty: readNullableDecimal(payload, 'last_size', context),
      bid: readNullableDecimal(payload, 'best_bid', context),
      bidQty: readNullableDecimal(payload, 'best_bid_size', context),
      ask: readNullableDecimal(payload, 'best_ask', context),
      askQty: readNullableDecimal(payload, 'best_ask_size', context),
      open,
      high: readNullableDecimal(payload, 'high_24h', context),
      low: readNullableDecimal(payload, 'low_24h', context),
      change: change?.change,
      changePct: change?.changePct,
      baseVolume: readNullableDecimal(payload, 'volume_24h', context),
    },
  );
}
