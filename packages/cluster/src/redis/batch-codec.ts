/**
 * How a batch is stored: each ticker is JSON-encoded once; the stream entry holds the batch
 * as a JSON array of those strings joined, and the hash holds the latest string per symbol.
 */
import type { Ticker } from '@tickwire/core';
import type { TickBatch } from '../engine';

/** A stream entry as XRANGE and XREAD return it. */
export type StreamEntry = [id: string, fields: string[]];

export interface EncodedBatch {
  /** Field `b` of the stream entry. */
  batchJson: string;
  /** symbol, json, symbol, json... with only the latest of each symbol (the HSET arguments). */
  latestBySymbol: string[];
}

export function encodeBatch(tickers: readonly Ticker[]): EncodedBatch {
  const jsons = tickers.map((ticker) => JSON.stringify(ticker));
  const latest = new Map<string, string>();
  tickers.forEach((ticker, index) => latest.set(ticker.symbol, jsons[index]!));
  const latestBySymbol: string[] = [];
  for (const [symbol, json] of latest) latestBySymbol.push(symbol, json);
  return { batchJson: `[${jsons.join(',')}]`, latestBySymbol };
}

/** Parses field `b`; undefined when it is not an array of tickers (never throws). */
export function decodeBatch(batchJson: string): Ticker[] | undefined {
  try {
    const value: unknown = JSON.parse(batchJson);
    if (!Array.isArray(value) || !value.every(isTickerLike)) return undefined;
    return value;
  } catch {
    return undefined;
  }
}

/** A stream entry as a batch; undefined when it is not one (never throws). */
export function decodeEntry([id, fields]: StreamEntry): TickBatch | undefined {
  const tickers = decodeBatch(entryField(fields, 'b') ?? '');
  return tickers && { id, tickers };
}

/** Parses one hash value; undefined when it is not a ticker. */
export function decodeTicker(json: string): Ticker | undefined {
  try {
    const value: unknown = JSON.parse(json);
    return isTickerLike(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The fields every consumer relies on; the rest is optional by type. */
function isTickerLike(value: unknown): value is Ticker {
  if (typeof value !== 'object' || value === null) return false;
  const t = value as Partial<Ticker>;
  return typeof t.symbol === 'string' && typeof t.receiveTime === 'number';
}

/** Entry fields come as [field, value, field, value...]; returns the value of `name`. */
export function entryField(fields: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}
