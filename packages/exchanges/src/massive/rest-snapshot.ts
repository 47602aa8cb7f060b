/**
 * The batch snapshot, `GET /v2/snapshot/locale/us/markets/stocks/tickers?tickers=A,B`: every
 * symbol's latest state in ONE request, for the REST fallback and start-up.
 * Docs: exchanges.md Part B 5.8 (`.massive/rest.json`).
 *
 * Per ticker: `lastTrade` {p, s, t in NANOSECONDS} (only with trades in the plan), `lastQuote`
 * {p/s bid, P/S ask, sizes in round lots}, `day` {o,h,l,c,v}, `min` {c, t in ms},
 * `todaysChange`, `todaysChangePerc`, `updated` (ns). The snapshot is cleared overnight (3:30am
 * EST) and refills from 4am: a day bar of zeros is "no data yet", never a price of 0, so its
 * fields are left out. Nanosecond times are cut to ms from their text (they exceed 2^53).
 */
import { compareDecimal } from '@tickwire/core';
import type { TickerUpdate } from '@tickwire/core';
import {
  PayloadError,
  field,
  fieldError,
  isJsonObject,
  preview,
  readArray,
  readString,
} from '../payload-fields';
import type { JsonObject } from '../payload-fields';
import { newTickerUpdate } from '../ticker-update';
import { MassiveErrorCode, MassiveRestError } from './errors';
import { readLotsAsShares, readNanosAsMillis, readOptionalJsonNumber } from './number-fields';
import { readMassiveBody } from './rest-body';
import { massiveToSymbol } from './symbols';

const ENDPOINT = 'snapshot';

function optionalObject(object: JsonObject, key: string, context: string): JsonObject | undefined {
  const value = field(object, key);
  if (value === undefined || value === null) return undefined;
  if (!isJsonObject(value)) fieldError(context, key, 'an object', value);
  return value;
}

/** A price that is there and not zero (zeros are the cleared snapshot). */
function price(object: JsonObject | undefined, key: string, context: string): string | undefined {
  if (!object) return undefined;
  const value = readOptionalJsonNumber(object, key, context);
  return value === undefined || compareDecimal(value, '0') === 0 ? undefined : value;
}

function parseTicker(item: JsonObject, receiveTime: number, context: string): TickerUpdate | undefined {
  const ticker = readString(item, 'ticker', context);
  const symbol = massiveToSymbol(ticker);
  if (symbol === undefined) fieldError(context, 'ticker', 'a ticker Tickwire can carry', ticker);
  const lastTrade = optionalObject(item, 'lastTrade', context);
  const lastQuote = optionalObject(item, 'lastQuote', context);
  const day = optionalObject(item, 'day', context);
  const minute = optionalObject(item, 'min', context);
  const last =
    price(lastTrade, 'p', `${context} lastTrade`) ??
    price(minute, 'c', `${context} min`) ??
    price(day, 'c', `${context} day`);
  if (last === undefined) return undefined;
  const updated = field(item, 'updated');
  const eventTime =
    lastTrade && field(lastTrade, 't') !== undefined
      ? readNanosAsMillis(lastTrade, 't', `${context} lastTrade`)
      : updated !== undefined
        ? readNanosAsMillis(item, 'updated', context)
        : receiveTime;
  const dayOpen = price(day, 'o', `${context} day`);
  return newTickerUpdate('massive', symbol, eventTime, receiveTime, 'rest', {
    last,
    lastQty: lastTrade ? readOptionalJsonNumber(lastTrade, 's', `${context} lastTrade`) : undefined,
    bid: price(lastQuote, 'p', `${context} lastQuote`),
    bidQty:
      lastQuote && field(lastQuote, 's') !== undefined
        ? readLotsAsShares(lastQuote, 's', `${context} lastQuote`)
        : undefined,
    ask: price(lastQuote, 'P', `${context} lastQuote`),
    askQty:
      lastQuote && field(lastQuote, 'S') !== undefined
        ? readLotsAsShares(lastQuote, 'S', `${context} lastQuote`)
        : undefined,
    open: dayOpen,
    high: price(day, 'h', `${context} day`),
    low: price(day, 'l', `${context} day`),
    baseVolume:
      dayOpen === undefined || !day ? undefined : readOptionalJsonNumber(day, 'v', `${context} day`),
    change: dayOpen === undefined ? undefined : readOptionalJsonNumber(item, 'todaysChange', context),
    changePct: dayOpen === undefined ? undefined : readOptionalJsonNumber(item, 'todaysChangePerc', context),
  });
}

/**
 * The updates of one snapshot answer (raw body text), in body order; tickers without any price
 * yet (a cleared snapshot) are left out. Throws {@link MassiveRestError}.
 */
export function parseMassiveSnapshotText(bodyText: string, receiveTime: number): TickerUpdate[] {
  const body = readMassiveBody(bodyText, ENDPOINT);
  try {
    return readArray(body, 'tickers', ENDPOINT).flatMap((item, index) => {
      const context = `tickers[${index}]`;
      if (!isJsonObject(item)) throw new PayloadError(`${context}: expected an object, got ${preview(item)}`);
      return parseTicker(item, receiveTime, context) ?? [];
    });
  } catch (error) {
    if (error instanceof PayloadError)
      throw new MassiveRestError(MassiveErrorCode.MalformedRestBody, `Massive ${ENDPOINT}: ${error.message}`);
    throw error;
  }
}
