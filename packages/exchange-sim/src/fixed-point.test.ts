import {
  decimalsOfUnits,
  divideRounded,
  formatPercent3,
  formatScaled,
  formatUnits,
  formatUnitsFixed,
  parseUnits,
  trimDecimal,
} from './fixed-point';

describe('fixed-point decimals', () => {
  it('formats 1e-8 units with exactly 8 decimals and a sign', () => {
    expect(formatUnits(931_848_000_000n)).toBe('9318.48000000');
    expect(formatUnits(-6_500_000_000n)).toBe('-65.00000000');
    expect(formatUnits(1n)).toBe('0.00000001');
    expect(formatUnits(0n)).toBe('0.00000000');
  });

  it('parses decimals exactly and refuses more than 8 decimals', () => {
    expect(parseUnits('0.00001')).toBe(1_000n);
    expect(parseUnits('65000')).toBe(6_500_000_000_000n);
    expect(() => parseUnits('0.000000001')).toThrow(RangeError);
    expect(() => parseUnits('-1')).toThrow(TypeError);
  });

  it('rounds division half away from zero', () => {
    expect(divideRounded(5n, 2n)).toBe(3n);
    expect(divideRounded(-5n, 2n)).toBe(-3n);
    expect(divideRounded(4n, 3n)).toBe(1n);
  });

  it('prints percent change with 3 decimals like the ticker P field', () => {
    // BTCUSDT recording: p -65.00000000 on o 9383.48000000 gives P "-0.693".
    expect(formatPercent3(-6_500_000_000n, 938_348_000_000n)).toBe('-0.693');
    expect(formatPercent3(291n, 14_069n)).toBe('2.068');
    expect(formatPercent3(0n, 1n)).toBe('0.000');
    expect(formatPercent3(1n, 0n)).toBe('0.000');
  });

  it('trims, fixes and scales decimals for the exchanges that print varying precision', () => {
    expect(trimDecimal('58800.00000000')).toBe('58800');
    expect(trimDecimal('0.05000000')).toBe('0.05');
    expect(trimDecimal('0.00000000')).toBe('0');
    expect(trimDecimal('-4.74000000')).toBe('-4.74');
    expect(trimDecimal('100')).toBe('100');
    expect(decimalsOfUnits(1_000_000n)).toBe(2);
    expect(decimalsOfUnits(1n)).toBe(8);
    expect(decimalsOfUnits(100_000_000n)).toBe(0);
    expect(formatUnitsFixed(5_880_000_000_000n, 2)).toBe('58800.00');
    expect(formatUnitsFixed(5_880_000_000_000n, 0)).toBe('58800');
    expect(formatScaled(-124n, 2)).toBe('-1.24');
    expect(formatScaled(5n, 4)).toBe('0.0005');
    expect(formatScaled(7n, 0)).toBe('7');
  });
});
