/**
 * Building {@link TickerUpdate}s from Binance payloads: identity and times first, then only the
 * value fields the payload carries (an absent field is left out rather than set to undefined, so
 * merging an update never erases a value another stream supplied).
 */
import { percentChange, subtractDecimal } from '@tickwire/core';
import type { TickerSource, TickerUpdate } from '@tickwire/core';

type ValueField = Exclude<keyof TickerUpdate, 'exchange' | 'symbol' | 'eventTime' | 'receiveTime' | 'source'>;

export function newUpdate(
  symbol: string,
  eventTime: number,
  receiveTime: number,
  source: TickerSource,
  values: Partial<Record<ValueField, string | undefined>>,
): TickerUpdate {
  const update: TickerUpdate = { exchange: 'binance', symbol, eventTime, receiveTime, source };
  for (const [key, value] of Object.entries(values) as [ValueField, string | undefined][]) {
    if (value !== undefined) update[key] = value;
  }
  return update;
}

/**
 * Change and percent change of `last` against `open`, computed exactly (miniTickers and MINI REST
 * tickers carry no change fields). The percent has 3 decimals like Binance's own `P`, and is left
 * out when `open` is zero. Both inputs must already be valid decimal strings.
 */
export function derivedChange(open: string, last: string): { change: string; changePct: string | undefined } {
  return { change: subtractDecimal(last, open), changePct: percentChange(open, last, 3) };
}
