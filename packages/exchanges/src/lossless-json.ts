/**
 * JSON decoding that keeps every number as its source text, for exchanges that send prices as
 * JSON numbers (Finnhub: `"p":146.76`, `"v":43`). `JSON.parse` would turn them into doubles:
 * more than 15-17 significant digits are rounded, and small values print as `1e-7`. With the text
 * kept, a price reaches clients exactly as the exchange wrote it (STYLE rule 7).
 *
 * Only as much JSON as RFC 8259 defines: strings are decoded by `JSON.parse` itself, so escapes
 * behave identically; objects get own properties even for the key `__proto__`, as with
 * `JSON.parse`; nesting is bounded so a hostile frame cannot exhaust the stack.
 */
import { isDecimalString } from '@tickwire/core';

/** A JSON number as written in the source text, e.g. `146.76`, `43`, `1.5e-7`. */
export class JsonNumberText {
  constructor(readonly text: string) {}

  toJSON(): number {
    return Number(this.text);
  }
}

/** Arrays and objects nested deeper than this are refused (exchange frames use 3 levels). */
export const LOSSLESS_JSON_MAX_DEPTH = 64;

const NUMBER_RE = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class LosslessReader {
  private pos = 0;

  constructor(private readonly text: string) {}

  document(): unknown {
    const value = this.value(0);
    this.skipWhitespace();
    if (this.pos !== this.text.length) this.fail('unexpected data after the JSON value');
    return value;
  }

  private fail(what: string): never {
    throw new SyntaxError(`${what} at position ${this.pos}`);
  }

  private skipWhitespace(): void {
    const text = this.text;
    while (this.pos < text.length) {
      const code = text.charCodeAt(this.pos);
      if (code !== 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) return;
      this.pos += 1;
    }
  }

  private value(depth: number): unknown {
    this.skipWhitespace();
    if (this.pos >= this.text.length) this.fail('unexpected end of JSON');
    switch (this.text[this.pos]) {
      case '{':
        return this.object(depth + 1);
      case '[':
        return this.array(depth + 1);
      case '"':
        return this.string();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
      default:
        return this.number();
    }
  }

  private object(depth: number): Record<string, unknown> {
    if (depth > LOSSLESS_JSON_MAX_DEPTH) this.fail('JSON nested too deeply');
    this.pos += 1;
    const result: Record<string, unknown> = {};
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos += 1;
      return result;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] !== '"') this.fail('expected a string key');
      const key = this.string();
      this.skipWhitespace();
      if (this.text[this.pos] !== ':') this.fail('expected ":"');
      this.pos += 1;
      const value = this.value(depth);
      // defineProperty, not assignment: a "__proto__" key must become data, as with JSON.parse.
      Object.defineProperty(result, key, { value, writable: true, enumerable: true, configurable: true });
      this.skipWhitespace();
      const next = this.text[this.pos];
      this.pos += 1;
      if (next === '}') return result;
      if (next !== ',') {
        this.pos -= 1;
        this.fail('expected "," or "}"');
      }
    }
  }

  private array(depth: number): unknown[] {
    if (depth > LOSSLESS_JSON_MAX_DEPTH) this.fail('JSON nested too deeply');
    this.pos += 1;
    const result: unknown[] = [];
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos += 1;
      return result;
    }
    for (;;) {
      result.push(this.value(depth));
      this.skipWhitespace();
      const next = this.text[this.pos];
      this.pos += 1;
      if (next === ']') return result;
      if (next !== ',') {
        this.pos -= 1;
        this.fail('expected "," or "]"');
      }
    }
  }

  private string(): string {
    const text = this.text;
    const start = this.pos;
    let escaped = false;
    let index = start + 1;
    for (;;) {
      if (index >= text.length) {
        this.pos = index;
        this.fail('unterminated string');
      }
      const code = text.charCodeAt(index);
      if (code === 0x22) break;
      if (code < 0x20) {
        this.pos = index;
        this.fail('control character in string');
      }
      if (code === 0x5c) {
        escaped = true;
        index += 2;
      } else {
        index += 1;
      }
    }
    this.pos = index + 1;
    if (!escaped) return text.slice(start + 1, index);
    // JSON.parse decodes the escapes (and rejects bad ones) exactly as it would in a whole document.
    return JSON.parse(text.slice(start, index + 1)) as string;
  }

  private literal<T>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) this.fail('unexpected character');
    this.pos += word.length;
    return value;
  }

  private number(): JsonNumberText {
    NUMBER_RE.lastIndex = this.pos;
    const match = NUMBER_RE.exec(this.text);
    if (match === null) this.fail('unexpected character');
    this.pos = NUMBER_RE.lastIndex;
    return new JsonNumberText(match[0]);
  }
}

/**
 * Parses `text` like `JSON.parse`, except that every number becomes a {@link JsonNumberText}.
 * Throws a `SyntaxError` on invalid JSON.
 */
export function parseJsonKeepingNumbers(text: string): unknown {
  return new LosslessReader(text).document();
}

const JSON_NUMBER_PARTS_RE = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/**
 * A JSON number's text as a plain decimal string (core's format): `146.76` stays `146.76`, and
 * an exponent is expanded exactly (`1.5e-7` -> `0.00000015`, `2.50e1` -> `25.0`). Undefined when
 * the text is not a JSON number or the expansion would not be a valid decimal string (over 64
 * characters).
 */
export function jsonNumberToDecimal(text: string): string | undefined {
  const match = JSON_NUMBER_PARTS_RE.exec(text);
  if (match === null) return undefined;
  const [, sign = '', integer = '', fraction = '', exponentText] = match;
  if (exponentText === undefined) return isDecimalString(text) ? text : undefined;
  const exponent = Number(exponentText);
  // Beyond this the result cannot fit in 64 characters anyway.
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 64) return undefined;
  const digits = integer + fraction;
  const point = integer.length + exponent;
  let plain: string;
  if (point <= 0) plain = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) plain = digits + '0'.repeat(point - digits.length);
  else plain = `${digits.slice(0, point)}.${digits.slice(point)}`;
  const result = sign + plain.replace(/^0+(?=\d)/u, '');
  return isDecimalString(result) ? result : undefined;
}

/**
 * A double as a plain decimal string: its shortest round-trip text (what `String(n)` gives, and
 * what exchanges that serialize doubles wrote), with any exponent expanded. Undefined for NaN,
 * infinities, and values whose expansion exceeds 64 characters.
 */
export function numberToDecimal(value: number): string | undefined {
  return Number.isFinite(value) ? jsonNumberToDecimal(String(value)) : undefined;
}

/**
 * A decoded JSON number as a decimal string: the source text of a {@link JsonNumberText}
 * (exponent expanded), the shortest round-trip text of a plain `number` (a body someone decoded
 * with `JSON.parse`), or a decimal string as it is. Undefined for anything else.
 */
export function decimalOfJsonValue(value: unknown): string | undefined {
  if (value instanceof JsonNumberText) return jsonNumberToDecimal(value.text);
  if (typeof value === 'number') return numberToDecimal(value);
  return isDecimalString(value) ? value : undefined;
}

/** A decoded JSON number that is a non-negative safe integer (a time, a count); else undefined. */
export function wholeNumberOfJsonValue(value: unknown): number | undefined {
  const text = value instanceof JsonNumberText ? value.text : typeof value === 'number' ? String(value) : '';
  const number = Number(text);
  return /^\d+$/u.test(text) && Number.isSafeInteger(number) ? number : undefined;
}
