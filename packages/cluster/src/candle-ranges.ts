/**
 * Covered open-time ranges of a candle series, kept merged: what backfill has fetched or live
 * closes have stored, so no range is ever fetched twice. The Redis engine does the same merge
 * inside its fenced script (fenced-append-candles-5.lua); both follow these rules.
 */
import type { CandleRange } from './engine';

/**
 * `ranges` with `added` merged in: sorted, overlapping or adjacent ranges (one interval apart)
 * joined, and ranges that end `retained` intervals or more before the newest end dropped.
 */
export function mergeCandleRanges(
  ranges: readonly CandleRange[],
  added: CandleRange,
  intervalMs: number,
  retained: number,
): CandleRange[] {
  const sorted = [...ranges, added].sort((a, b) => a.from - b.from);
  const merged: CandleRange[] = [];
  for (const range of sorted) {
    const last = merged.at(-1);
    if (last && range.from <= last.to + intervalMs) last.to = Math.max(last.to, range.to);
    else merged.push({ ...range });
  }
  const newest = merged.at(-1)!.to;
  return merged.filter((range) => range.to > newest - retained * intervalMs);
}

/** The open times from `from` to `to` (aligned, inclusive) that no range covers, as ranges. */
export function uncoveredCandleRanges(
  ranges: readonly CandleRange[],
  wanted: CandleRange,
  intervalMs: number,
): CandleRange[] {
  const missing: CandleRange[] = [];
  let next = wanted.from;
  for (const range of [...ranges].sort((a, b) => a.from - b.from)) {
    if (next > wanted.to) break;
    if (range.to < next) continue;
    if (range.from > next) missing.push({ from: next, to: Math.min(wanted.to, range.from - intervalMs) });
    next = Math.max(next, range.to + intervalMs);
  }
  if (next <= wanted.to) missing.push({ from: next, to: wanted.to });
  return missing;
}
