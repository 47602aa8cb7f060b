/**
 * How a closed candle is stored: its JSON, exactly as the leader wrote it (decimal strings
 * untouched). Reading checks the shape, so a foreign or corrupt member is skipped, never served.
 */
import { isCandleInterval, type Candle } from '@tickwire/core';

const DECIMAL_FIELDS = ['open', 'high', 'low', 'close', 'volume'] as const;

export function encodeCandle(candle: Candle): string {
  return JSON.stringify(candle);
}

/** The candle in `json`; undefined when it is not one (never throws). */
export function decodeCandle(json: string): Candle | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const candle = value as Record<string, unknown>;
  if (typeof candle.symbol !== 'string' || typeof candle.interval !== 'string') return undefined;
  if (!isCandleInterval(candle.interval)) return undefined;
  if (!Number.isSafeInteger(candle.openTime) || !Number.isSafeInteger(candle.closeTime)) return undefined;
  if (!Number.isSafeInteger(candle.ticks)) return undefined;
  if (!DECIMAL_FIELDS.every((field) => typeof candle[field] === 'string')) return undefined;
  return value as Candle;
}
