/**
 * The reference tickers, `GET /v3/reference/tickers?market=stocks&active=true&limit=1000`, as
 * the symbol catalog: `{results:[{ticker,name,market,locale,active,...}], next_url?}`, paged
 * through `next_url` until it is absent. `next_url` carries no key.
 * Docs: exchanges.md Part B 5.10.
 */
import type { ListedSymbol } from '../exchange-adapter';
import { PayloadError, field, isJsonObject, preview, readArray } from '../payload-fields';
import { MassiveErrorCode, MassiveRestError } from './errors';
import { readMassiveBody } from './rest-body';
import { massiveToSymbol } from './symbols';

const ENDPOINT = 'reference tickers';

/**
 * One page: its active stocks Tickwire can carry, each with its company name (`Agilent
 * Technologies Inc.`; the ticker when the entry has none), and the next page's URL.
 */
export function parseMassiveTickerPage(bodyText: string): {
  symbols: ListedSymbol[];
  nextUrl: string | undefined;
} {
  const body = readMassiveBody(bodyText, ENDPOINT);
  try {
    const symbols = readArray(body, 'results', ENDPOINT).flatMap((item, index) => {
      if (!isJsonObject(item))
        throw new PayloadError(`results[${index}]: expected an object, got ${preview(item)}`);
      const ticker = field(item, 'ticker');
      if (typeof ticker !== 'string' || field(item, 'active') === false) return [];
      const symbol = massiveToSymbol(ticker);
      if (symbol === undefined) return [];
      const name = field(item, 'name');
      return [{ symbol, name: typeof name === 'string' && name.trim() !== '' ? name.trim() : ticker }];
    });
    const next = field(body, 'next_url');
    return { symbols, nextUrl: typeof next === 'string' && next !== '' ? next : undefined };
  } catch (error) {
    if (error instanceof PayloadError)
      throw new MassiveRestError(MassiveErrorCode.MalformedRestBody, `Massive ${ENDPOINT}: ${error.message}`);
    throw error;
  }
}
