/**
 * Exact 8-decimal arithmetic for prices and quantities. Binance spot sends every price and
 * quantity as a string with 8 fraction digits ("9318.48000000"); the simulator keeps them as
 * integer counts of 1e-8 (BigInt) and formats with string operations, so no value ever takes
 * a round trip through an IEEE float (STYLE rule 7).
 */

/** Fraction digits Binance spot uses for every price and quantity string. */
export const DECIMALS = 8;
/** Units of 1e-8 in one whole coin / quote unit. */
export const UNITS_PER_ONE = 10n ** BigInt(DECIMALS);

const DECIMAL_RE = /^(\d+)(?:\.(\d+))?$/;

/** Formats a count of 1e-8 units as Binance does: sign, integer part, exactly 8 fraction digits. */
export function formatUnits(units: bigint): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(DECIMALS + 1, '0');
  const text = `${digits.slice(0, -DECIMALS)}.${digits.slice(-DECIMALS)}`;
  return negative ? `-${text}` : text;
}

/**
 * Parses a non-negative decimal string ("0.01", "65000") into 1e-8 units. Throws when the value
 * has more than 8 fraction digits, because such a value cannot exist on Binance spot.
 */
export function parseUnits(decimal: string): bigint {
  const match = DECIMAL_RE.exec(decimal);
  if (!match) throw new TypeError(`not a non-negative decimal string: ${JSON.stringify(decimal)}`);
  const whole = match[1] ?? '0';
  const fraction = match[2] ?? '';
  if (fraction.length > DECIMALS) throw new RangeError(`more than ${DECIMALS} fraction digits: ${decimal}`);
  return BigInt(whole) * UNITS_PER_ONE + BigInt(fraction.padEnd(DECIMALS, '0'));
}

/** a / b rounded half away from zero; b must not be zero. */
export function divideRounded(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new RangeError('division by zero');
  const negative = a < 0n !== b < 0n;
  const absA = a < 0n ? -a : a;
  const absB = b < 0n ? -b : b;
  const quotient = (absA * 2n + absB) / (absB * 2n);
  return negative ? -quotient : quotient;
}

/**
 * 100 * change / base with 3 fraction digits, as in the ticker `P` field ("-0.693"). Zero base
 * gives "0.000" (a symbol that has never traded has no meaningful change).
 */
export function formatPercent3(change: bigint, base: bigint): string {
  if (base === 0n) return '0.000';
  const thousandths = divideRounded(change * 100_000n, base);
  if (thousandths === 0n) return '0.000';
  const negative = thousandths < 0n;
  const digits = (negative ? -thousandths : thousandths).toString().padStart(4, '0');
  const text = `${digits.slice(0, -3)}.${digits.slice(-3)}`;
  return negative ? `-${text}` : text;
}

/** Drops trailing fraction zeros and a bare point: "58800.00" -> "58800", "0.0500" -> "0.05". */
export function trimDecimal(decimal: string): string {
  if (!decimal.includes('.')) return decimal;
  return decimal.replace(/0+$/, '').replace(/\.$/, '');
}

/** Fraction digits a step of `units` (1e-8 units) needs: 1_000_000 (0.01) -> 2, 1 -> 8, 1e8 -> 0. */
export function decimalsOfUnits(units: bigint): number {
  let decimals = DECIMALS;
  let rest = units;
  while (decimals > 0 && rest !== 0n && rest % 10n === 0n) {
    rest /= 10n;
    decimals -= 1;
  }
  return decimals;
}

/** 1e-8 units printed with exactly `decimals` fraction digits (extra digits are cut, not rounded). */
export function formatUnitsFixed(units: bigint, decimals: number): string {
  const text = formatUnits(units);
  const point = text.indexOf('.');
  return decimals <= 0 ? text.slice(0, point) : text.slice(0, point + 1 + Math.min(decimals, DECIMALS));
}

/** An integer count of 10^-decimals printed as a decimal: (-124, 2) -> "-1.24". */
export function formatScaled(value: bigint, decimals: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(decimals + 1, '0');
  const text = decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
  return negative ? `-${text}` : text;
}
