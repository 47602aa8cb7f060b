/**
 * Building {@link TickerUpdate}s from Binance payloads, over the shared builder in
 * `../ticker-update.ts` (an absent field is left out rather than set to undefined, so merging an
 * update never erases a value another stream supplied).
 */
import type { TickerSource, TickerUpdate } from '@tickwire/core';
import { newTickerUpdate } from '../ticker-update';
import type { TickerValueField } from '../ticker-update';

export { derivedChange } from '../ticker-update';

export function newUpdate(
  symbol: string,
  eventTime: number,
  receiveTime: number,
  source: TickerSource,
  values: Partial<Record<TickerValueField, string | undefined>>,
): TickerUpdate {
  return newTickerUpdate('binance', symbol, eventTime, receiveTime, source, values);
}
