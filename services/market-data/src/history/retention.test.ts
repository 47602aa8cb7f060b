import { parseHistoryRetention } from './retention';

describe('HISTORY_RETENTION', () => {
  it('keeps the defaults for the intervals it does not name', () => {
    expect(parseHistoryRetention('1m:7d,1d:1y')).toEqual({
      retention: {
        '1m': 7 * 86_400_000,
        '5m': 90 * 86_400_000,
        '15m': 180 * 86_400_000,
        '1h': 2 * 365 * 86_400_000,
        '4h': 5 * 365 * 86_400_000,
        '1d': 365 * 86_400_000,
      },
    });
  });

  it('reports every item that is not <interval>:<age>, and ages of 0', () => {
    const parsed = parseHistoryRetention('2m:1d,1h:soon,5m:0d,1h:forever');
    expect('problems' in parsed && parsed.problems).toEqual([
      expect.stringContaining('"2m:1d"'),
      expect.stringContaining('"1h:soon"'),
      expect.stringContaining('"5m:0d"'),
    ]);
  });
});
