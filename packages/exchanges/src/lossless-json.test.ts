import {
  JsonNumberText,
  LOSSLESS_JSON_MAX_DEPTH,
  jsonNumberToDecimal,
  numberToDecimal,
  parseJsonKeepingNumbers,
} from './lossless-json';

/** Replaces every JsonNumberText by its text, so results compare with plain literals. */
function texts(value: unknown): unknown {
  if (value instanceof JsonNumberText) return `#${value.text}`;
  if (Array.isArray(value)) return value.map(texts);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, texts(item)]));
  }
  return value;
}

describe('parseJsonKeepingNumbers', () => {
  it('keeps every number as the text the exchange wrote', () => {
    const parsed = parseJsonKeepingNumbers(
      '{"data":[{"c":null,"p":66972.77,"s":"BINANCE:BTCUSDT","t":1721555886208,"v":0.00008}],"type":"trade"}',
    );
    expect(texts(parsed)).toEqual({
      data: [{ c: null, p: '#66972.77', s: 'BINANCE:BTCUSDT', t: '#1721555886208', v: '#0.00008' }],
      type: 'trade',
    });
  });

  it('keeps digits a double would round away', () => {
    const parsed = parseJsonKeepingNumbers('[0.12345678901234567890, 12345678901234567890]') as unknown[];
    expect(texts(parsed)).toEqual(['#0.12345678901234567890', '#12345678901234567890']);
  });

  it('reads the same structure as JSON.parse for every value type and whitespace', () => {
    const text = ' {\n "a" : [ true , false , null , "x\\"y\\u00e9\\n" , { } , [ ] ] ,\t"b":-0.5e+2 }\r\n';
    expect(texts(parseJsonKeepingNumbers(text))).toEqual({
      a: [true, false, null, 'x"y\u00e9\n', {}, []],
      b: '#-0.5e+2',
    });
  });

  it('makes "__proto__" an own data key, as JSON.parse does', () => {
    const parsed = parseJsonKeepingNumbers('{"__proto__":{"polluted":1}}') as Record<string, unknown>;
    expect(Object.hasOwn(parsed, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('lets the last of duplicate keys win, as JSON.parse does', () => {
    expect(texts(parseJsonKeepingNumbers('{"a":1,"a":2}'))).toEqual({ a: '#2' });
  });

  it.each([
    ['', /unexpected end/],
    ['"data":[]', /unexpected data after/],
    ['{"a":1,}', /expected a string key/],
    ['[1 2]', /expected "," or "]"/],
    ['{"a" 1}', /expected ":"/],
    ['{"a":1 "b":2}', /expected "," or "}"/],
    ['"abc', /unterminated string/],
    ['"a\nb"', /control character/],
    ['01', /unexpected data after/],
    ['-', /unexpected character/],
    ['.5', /unexpected character/],
    ['tru', /unexpected character/],
    ['NaN', /unexpected character/],
    ['"\\x"', /./],
  ])('refuses %j with a SyntaxError', (text, reason) => {
    expect(() => parseJsonKeepingNumbers(text)).toThrow(SyntaxError);
    expect(() => parseJsonKeepingNumbers(text)).toThrow(reason);
  });

  it('refuses nesting deeper than the bound instead of exhausting the stack', () => {
    const deep = '['.repeat(LOSSLESS_JSON_MAX_DEPTH + 1) + ']'.repeat(LOSSLESS_JSON_MAX_DEPTH + 1);
    expect(() => parseJsonKeepingNumbers(deep)).toThrow(/nested too deeply/);
    const ok = '['.repeat(LOSSLESS_JSON_MAX_DEPTH) + ']'.repeat(LOSSLESS_JSON_MAX_DEPTH);
    expect(() => parseJsonKeepingNumbers(ok)).not.toThrow();
  });

  it('serializes a kept number back as a JSON number', () => {
    expect(JSON.stringify(parseJsonKeepingNumbers('{"p":146.76}'))).toBe('{"p":146.76}');
  });
});

describe('jsonNumberToDecimal', () => {
  it.each([
    ['146.76', '146.76'],
    ['43', '43'],
    ['0.011467', '0.011467'],
    ['-4.74', '-4.74'],
    ['0', '0'],
    ['1e-7', '0.0000001'],
    ['1.5e-7', '0.00000015'],
    ['1.5E+3', '1500'],
    ['2.50e1', '25.0'],
    ['123e-1', '12.3'],
    ['0.5e1', '5'],
    ['0.05e1', '0.5'],
    ['0e5', '0'],
    ['-1.25e-2', '-0.0125'],
  ])('turns %s into %s', (text, decimal) => {
    expect(jsonNumberToDecimal(text)).toBe(decimal);
  });

  it.each(['', 'abc', '1e400', '1e-70', '1.', '+1', '1'.repeat(65)])('refuses %j', (text) => {
    expect(jsonNumberToDecimal(text)).toBeUndefined();
  });
});

describe('numberToDecimal', () => {
  it('prints doubles as their shortest decimal, without exponents or float artifacts', () => {
    expect(numberToDecimal(146.76)).toBe('146.76');
    expect(numberToDecimal(0.00000015)).toBe('0.00000015');
    expect(numberToDecimal(1e21)).toBe('1000000000000000000000');
    expect(numberToDecimal(-0)).toBe('0');
    expect(numberToDecimal(311)).toBe('311');
  });

  it('refuses NaN and infinities', () => {
    expect(numberToDecimal(Number.NaN)).toBeUndefined();
    expect(numberToDecimal(Number.POSITIVE_INFINITY)).toBeUndefined();
  });
});
