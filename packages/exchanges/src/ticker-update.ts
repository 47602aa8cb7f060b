/**
 * Building {@link TickerUpdate}s from exchange payloads, for every adapter: identity and times
 * first, then only the value fields the payload carries (an absent field is left out rather than
 * set to undefined, so merging an update never erases a value another stream supplied).
 */
import { percentChange, subtractDecimal } from '@tickwire/core';
import type { ExchangeId, TickerSource, TickerUpdate } from '@tickwire/core';

export type TickerValueField = Exclude<
  keyof TickerUpdate,
  'exchange' | 'symbol' | 'eventTime' | 'receiveTime' | 'source' | 'origin' | 'bar'
>;

export function newTickerUpdate(
  exchange: ExchangeId,
  symbol: string,
  eventTime: number,
  receiveTime: number,
  source: TickerSource,
  values: Partial<Record<TickerValueField, string | undefined>>,
): TickerUpdate {
  const update: TickerUpdate = { exchange, symbol, eventTime, receiveTime, source };
  for (const [key, value] of Object.entries(values) as [TickerValueField, string | undefined][]) {
    if (value !== undefined) update[key] = value;
  }
  return update;
}

/**
 * Change and percent change of `last` against `open`, computed exactly, for payloads that carry
 * no change fields. The percent has 3 decimals like Binance's own `P`, and is left out when `open`
 * is zero. Both inputs must already be valid decimal strings.
 */
export function derivedChange(open: string, last: string): { change: string; changePct: string | undefined } {
  return { change: subtractDecimal(last, open), changePct: percentChange(open, last, 3) };
}
