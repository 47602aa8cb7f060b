import { formatAge, formatChange, formatFacts, formatPrice, formatTime, formatVolume } from './format';

describe('formatVolume', () => {
  it('writes volumes as one short figure', () => {
    expect(formatVolume('1234567890.12')).toBe('1.2B');
    expect(formatVolume('345678901')).toBe('345.7M');
    expect(formatVolume('12345')).toBe('12.3K');
    expect(formatVolume('950')).toBe('950');
    expect(formatVolume('2500000000000')).toBe('2.5T');
  });

  it('moves to the next unit rather than write 1000.0M', () => {
    expect(formatVolume('999960000')).toBe('1.0B');
  });

  it('writes a dash for a volume it does not have', () => {
    expect(formatVolume(undefined)).toBe('–');
    expect(formatVolume('abc')).toBe('–');
  });
});

describe('formatChange', () => {
  it('signs a change and keeps two decimals', () => {
    expect(formatChange('1.234')).toBe('+1.23%');
    expect(formatChange('-0.5')).toBe('-0.50%');
    expect(formatChange('0')).toBe('0.00%');
    expect(formatChange('-0.001')).toBe('0.00%');
    expect(formatChange(undefined)).toBe('–');
  });
});

describe('formatPrice', () => {
  it('drops padding zeros past the second decimal and never rounds', () => {
    expect(formatPrice('97012.56000000')).toBe('97012.56');
    expect(formatPrice('97012.00000000')).toBe('97012.00');
    expect(formatPrice('0.00001234')).toBe('0.00001234');
    expect(formatPrice('42')).toBe('42');
  });
});

describe('formatAge', () => {
  it('writes durations as people read them', () => {
    expect(formatAge(850)).toBe('850 ms');
    expect(formatAge(12_400)).toBe('12 s');
    expect(formatAge(240_000)).toBe('4 min');
    expect(formatAge(null)).toBe('–');
  });
});

describe('formatFacts', () => {
  it('lists the met conditions with their values, numbers shortened', () => {
    expect(
      formatFacts([
        { type: 'rsi', met: true, values: { rsi: 27.43219, below: 30 } },
        { type: 'volumeSpike', met: false, values: { volume: 10, average: 12 } },
        { type: 'change', met: true, values: { percent: 0.0123456, base: null } },
      ]),
    ).toBe('rsi: rsi 27.43, below 30; change: percent 0.01235, base –');
  });

  it('says nothing when no condition was met', () => {
    expect(formatFacts([{ type: 'rsi', met: false, values: { rsi: 50 } }])).toBe('');
  });
});

describe('formatTime', () => {
  const now = new Date(2026, 11, 6, 10, 30, 0).getTime();
  it("writes today's times to the second and older ones with their date", () => {
    expect(formatTime(new Date(2026, 11, 6, 9, 5, 7).getTime(), now)).toBe('09:05:07');
    expect(formatTime(new Date(2026, 0, 31, 14, 5, 7).getTime(), now)).toBe('01-31 14:05');
  });
});
