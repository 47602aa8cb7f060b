/** How the dashboard writes numbers: prices as the exchange's decimals, volumes short (1.2B). */
import type { SignalFact } from '@tickwire/client';

const UNITS: readonly [number, string][] = [
  [1e12, 'T'],
  [1e9, 'B'],
  [1e6, 'M'],
  [1e3, 'K'],
];

/** A volume in one short figure: `1234567890` -> `1.2B`, `950` -> `950`; `–` when unknown. */
export function formatVolume(volume: string | undefined): string {
  const value = volume === undefined ? NaN : Number(volume);
  if (!Number.isFinite(value)) return '–';
  for (const [index, [size, unit]] of UNITS.entries()) {
    if (Math.abs(value) < size) continue;
    const figure = (value / size).toFixed(1);
    // 999.96M would read 1000.0M: one unit up it is 1.0B.
    const larger = UNITS[index - 1];
    if (Math.abs(Number(figure)) >= 1000 && larger !== undefined)
      return `${(value / larger[0]).toFixed(1)}${larger[1]}`;
    return `${figure}${unit}`;
  }
  return value.toFixed(0);
}

/** A percentage change with its sign: `1.234` -> `+1.23%`; `–` when unknown. */
export function formatChange(changePct: string | undefined): string {
  const value = changePct === undefined ? NaN : Number(changePct);
  if (!Number.isFinite(value)) return '–';
  const fixed = value.toFixed(2);
  if (fixed === '0.00' || fixed === '-0.00') return '0.00%';
  return `${value > 0 ? '+' : ''}${fixed}%`;
}

/**
 * A price as the exchange wrote it, without the padding zeros past the second decimal:
 * `97012.56000000` -> `97012.56`, `0.00001234` stays. The string is never parsed into a float.
 */
export function formatPrice(last: string | undefined): string {
  if (last === undefined) return '–';
  const dot = last.indexOf('.');
  if (dot === -1) return last;
  let end = last.length;
  while (end > dot + 3 && last[end - 1] === '0') end -= 1;
  return last.slice(0, end);
}

/** A duration in ms as people read it: `850 ms`, `12 s`, `4 min`. */
export function formatAge(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1_000)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

/** A fact's value: numbers to two decimals (four significant digits below 1), `–` for none. */
export function formatFactValue(value: number | string | boolean | null): string {
  if (value === null) return '–';
  if (typeof value !== 'number') return String(value);
  if (!Number.isFinite(value)) return String(value);
  return String(Number(Math.abs(value) >= 1 ? value.toFixed(2) : value.toPrecision(4)));
}

/** What a signal met: each met condition with its values, `rsi: rsi 27.4, below 30; ...`. */
export function formatFacts(facts: readonly SignalFact[]): string {
  return facts
    .filter((fact) => fact.met)
    .map(
      (fact) =>
        `${fact.type}: ${Object.entries(fact.values)
          .map(([name, value]) => `${name} ${formatFactValue(value)}`)
          .join(', ')}`,
    )
    .join('; ');
}

/** A time of day (local) for today's `ms`, with the date (`01-31 14:05`) for an older one. */
export function formatTime(ms: number, nowMs = Date.now()): string {
  const at = new Date(ms);
  const now = new Date(nowMs);
  const two = (n: number) => String(n).padStart(2, '0');
  const clock = `${two(at.getHours())}:${two(at.getMinutes())}`;
  const sameDay = at.toDateString() === now.toDateString();
  return sameDay
    ? `${clock}:${two(at.getSeconds())}`
    : `${two(at.getMonth() + 1)}-${two(at.getDate())} ${clock}`;
}
