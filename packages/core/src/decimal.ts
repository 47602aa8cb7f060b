/**
 * Decimal strings, end to end. Exchanges send prices as strings such as "0.10000000"; we pass
 * them through untouched and only compute with exact integer arithmetic (BigInt scaled by a
 * power of ten), never through IEEE floats, so no value is ever rounded or reformatted.
 */

const DECIMAL_RE = /^-?(?:\d+)(?:\.\d+)?$/;

/** True when `value` is a plain decimal string: optional minus, digits, optional fraction. */
export function isDecimalString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 64 && DECIMAL_RE.test(value);
}

interface Scaled {
  units: bigint;
  scale: number;
}

function toScaled(value: string): Scaled {
  if (!isDecimalString(value)) throw new TypeError(`not a decimal string: ${JSON.stringify(value)}`);
  const negative = value.startsWith('-');
  const body = negative ? value.slice(1) : value;
  const dot = body.indexOf('.');
  const digits = dot === -1 ? body : body.slice(0, dot) + body.slice(dot + 1);
  const scale = dot === -1 ? 0 : body.length - dot - 1;
  const units = BigInt(digits);
  return { units: negative ? -units : units, scale };
}

function align(a: Scaled, b: Scaled): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [a.units * 10n ** BigInt(scale - a.scale), b.units * 10n ** BigInt(scale - b.scale), scale];
}

function fromScaled(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}

/** a + b, exactly, at the larger of the two scales. */
export function addDecimal(a: string, b: string): string {
  const [x, y, scale] = align(toScaled(a), toScaled(b));
  return fromScaled(x + y, scale);
}

/** a - b, exactly, at the larger of the two scales. */
export function subtractDecimal(a: string, b: string): string {
  const [x, y, scale] = align(toScaled(a), toScaled(b));
  return fromScaled(x - y, scale);
}

/** -1, 0 or 1 as a is below, equal to or above b (numerically: "1.0" equals "1"). */
export function compareDecimal(a: string, b: string): -1 | 0 | 1 {
  const [x, y] = align(toScaled(a), toScaled(b));
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The larger of two decimals, returned as the caller gave it (no reformatting). */
export function maxDecimal(a: string, b: string): string {
  return compareDecimal(a, b) >= 0 ? a : b;
}

/** The smaller of two decimals, returned as the caller gave it (no reformatting). */
export function minDecimal(a: string, b: string): string {
  return compareDecimal(a, b) <= 0 ? a : b;
}

/**
 * a / b rounded half away from zero to `scale` fraction digits; undefined when b is zero.
 * Used for derived values only (percent change of a miniTicker), never for exchange prices.
 */
export function divideDecimal(a: string, b: string, scale: number): string | undefined {
  const [x, y] = align(toScaled(a), toScaled(b));
  if (y === 0n) return undefined;
  const numerator = x * 10n ** BigInt(scale) * 2n;
  let quotient = numerator / y;
  // Round half away from zero: quotient holds twice the result, truncated.
  quotient = quotient >= 0n ? (quotient + 1n) / 2n : (quotient - 1n) / 2n;
  return fromScaled(quotient, scale);
}

/** Percent change from `open` to `last`, e.g. "1.250" for +1.25 %, to `scale` digits. */
export function percentChange(open: string, last: string, scale = 3): string | undefined {
  const { units, scale: diffScale } = toScaled(subtractDecimal(last, open));
  return divideDecimal(fromScaled(units * 100n, diffScale), open, scale);
}
