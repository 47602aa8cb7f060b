/**
 * `<symbol>@kline_<interval>` payloads.
 * Docs: https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams#klinecandlestick-streams-for-utc
 *
 * Only the candle's close `k.c` is used, as the last price: the candle's open, high, low and
 * volume describe one interval, not the rolling 24 h the ticker fields mean.
 */
import type { TickerUpdate } from '@tickwire/core';
import { readDecimal, readObject, readSymbol, readTime } from './payload-fields';
import type { JsonObject } from './payload-fields';
import { newUpdate } from './ticker-update';

export function parseKline(payload: JsonObject, receiveTime: number): TickerUpdate {
  const context = 'kline';
  const candle = readObject(payload, 'k', context);
  return newUpdate(readSymbol(payload, 's', context), readTime(payload, 'E', context), receiveTime, 'ws', {
    last: readDecimal(candle, 'c', 'kline.k'),
  });
}
