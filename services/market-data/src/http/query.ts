/**
 * Query-string parsing for the API. Values arrive as whatever a client sent (a string, an
 * array when repeated, an object with `a[b]=`); anything but one plain string is a 400.
 */
import { isCandleInterval, type CandleInterval } from '@tickwire/core';
import type { SymbolGate } from './api-context';
import { httpErrors } from './errors';

/** How routes turn what a client wrote into a symbol the cluster serves. */
export type SymbolResolver = Pick<SymbolGate, 'canonical' | 'lookup'>;

/** One optional string parameter; a repeated or nested parameter is rejected. */
export function singleParam(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw httpErrors.badRequest(`give "${name}" once, as a plain value`);
  return value;
}

/**
 * A comma list of symbols, canonical and deduplicated, checked for count and membership. The
 * whole list is read before its count is judged, so the error states how many were asked for.
 */
export function parseSymbolsParam(raw: string, options: { max: number; resolver: SymbolResolver }): string[] {
  const unique = new Set<string>();
  for (const part of raw.split(',')) {
    if (part.trim() === '') continue;
    const symbol = options.resolver.canonical(part);
    if (symbol === undefined) throw httpErrors.invalidSymbol(part);
    unique.add(symbol);
  }
  if (unique.size === 0)
    throw httpErrors.badRequest('"symbols" is empty; give a comma list such as BTCUSDT,ETHUSDT');
  if (unique.size > options.max) throw httpErrors.tooManySymbols(unique.size, options.max);
  const symbols = [...unique];
  for (const symbol of symbols) checkKnown(symbol, options.resolver);
  return symbols;
}

/** A path symbol: canonical and known. */
export function parseSymbolPath(raw: string, resolver: SymbolResolver): string {
  const symbol = resolver.canonical(raw);
  if (symbol === undefined) throw httpErrors.invalidSymbol(raw);
  checkKnown(symbol, resolver);
  return symbol;
}

function checkKnown(symbol: string, resolver: SymbolResolver): void {
  switch (resolver.lookup(symbol)) {
    case 'known':
      return;
    case 'unknown':
      throw httpErrors.unknownSymbol(symbol);
    case 'unavailable':
      throw httpErrors.symbolListUnavailable(symbol);
  }
}

/** A whole number in [min, max], or the default when absent. */
export function parseIntegerParam(
  raw: string | undefined,
  name: string,
  range: { min: number; max: number; fallback: number },
): number {
  if (raw === undefined) return range.fallback;
  if (!/^\d{1,9}$/.test(raw))
    throw httpErrors.badRequest(`"${name}" must be a whole number from ${range.min} to ${range.max}`);
  const value = Number(raw);
  if (value < range.min || value > range.max) {
    throw httpErrors.badRequest(`"${name}" must be a whole number from ${range.min} to ${range.max}`);
  }
  return value;
}

export function parseIntervalParam(raw: string | undefined, fallback: CandleInterval): CandleInterval {
  if (raw === undefined) return fallback;
  if (!isCandleInterval(raw))
    throw httpErrors.badRequest(`"interval" must be one of 1m, 5m, 15m, 1h, 4h, 1d`);
  return raw;
}

/** `candles=1m,1h`: the intervals whose closes a stream sends; none when absent. */
export function parseCandleIntervalsParam(raw: string | undefined): Set<CandleInterval> {
  const intervals = new Set<CandleInterval>();
  if (raw === undefined) return intervals;
  for (const part of raw.split(',')) {
    if (!isCandleInterval(part))
      throw httpErrors.badRequest(
        `"candles" must be a comma list of 1m, 5m, 15m, 1h, 4h, 1d; ${JSON.stringify(part)} is none of them`,
      );
    intervals.add(part);
  }
  return intervals;
}

/** The newest time a `from`/`to` may name (ms): the largest a JavaScript Date holds. */
const MAX_TIME_MS = 8_640_000_000_000_000;

/** A time in ms since the epoch (an open time), or undefined when absent. */
export function parseTimeParam(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined) return undefined;
  const value = /^\d{1,16}$/.test(raw) ? Number(raw) : NaN;
  if (!(value <= MAX_TIME_MS))
    throw httpErrors.badRequest(`"${name}" must be a time in ms since the epoch, such as 1735689600000`);
  return value;
}
