import { HttpError } from '@tickwire/service';
import { canonicalSymbol } from '@tickwire/core';
import {
  parseIntegerParam,
  parseIntervalParam,
  parseSymbolsParam,
  singleParam,
  type SymbolResolver,
} from './query';

const resolver: SymbolResolver = {
  canonical: canonicalSymbol,
  lookup: (symbol) =>
    ['BTCUSDT', 'ETHUSDT'].includes(symbol) ? 'known' : symbol === 'LATER' ? 'unavailable' : 'unknown',
};

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof HttpError ? `${error.status} ${error.code}` : 'not an HttpError';
  }
  return undefined;
}

describe('query parsing', () => {
  it('accepts a comma list, upper-cases and deduplicates it', () => {
    expect(parseSymbolsParam('btcusdt,ETHUSDT,btcusdt', { max: 10, resolver })).toEqual([
      'BTCUSDT',
      'ETHUSDT',
    ]);
  });

  it('answers 404 for an unknown symbol, 400 for a malformed one, an empty list or too many', () => {
    expect(codeOf(() => parseSymbolsParam('BTCUSDT,NOPE', { max: 10, resolver }))).toBe('404 UNKNOWN_SYMBOL');
    expect(codeOf(() => parseSymbolsParam('BTC USDT', { max: 10, resolver }))).toBe('400 INVALID_SYMBOL');
    expect(codeOf(() => parseSymbolsParam('<script>', { max: 10, resolver }))).toBe('400 INVALID_SYMBOL');
    expect(codeOf(() => parseSymbolsParam(',,', { max: 10, resolver }))).toBe('400 BAD_REQUEST');
    expect(codeOf(() => parseSymbolsParam('BTCUSDT,ETHUSDT', { max: 1, resolver }))).toBe(
      '400 TOO_MANY_SYMBOLS',
    );
  });

  it('answers 503 with Retry-After while the exchange list that would decide has not loaded', () => {
    expect(codeOf(() => parseSymbolsParam('BTCUSDT,LATER', { max: 10, resolver }))).toBe(
      '503 SYMBOL_LIST_UNAVAILABLE',
    );
  });

  it('rejects a repeated or nested parameter', () => {
    expect(codeOf(() => singleParam({ symbols: ['A', 'B'] }, 'symbols'))).toBe('400 BAD_REQUEST');
    expect(singleParam({}, 'symbols')).toBeUndefined();
  });

  it('accepts whole numbers in range only', () => {
    const range = { min: 1, max: 500, fallback: 500 };
    expect(parseIntegerParam(undefined, 'limit', range)).toBe(500);
    expect(parseIntegerParam('20', 'limit', range)).toBe(20);
    for (const bad of ['0', '501', '-1', '1.5', '1e3', 'abc', '99999999999']) {
      expect(codeOf(() => parseIntegerParam(bad, 'limit', range))).toBe('400 BAD_REQUEST');
    }
  });

  it('accepts only the supported candle intervals', () => {
    expect(parseIntervalParam('5m', '1m')).toBe('5m');
    expect(codeOf(() => parseIntervalParam('7m', '1m'))).toBe('400 BAD_REQUEST');
  });
});
