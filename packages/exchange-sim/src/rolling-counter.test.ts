import { RollingCounter } from './rolling-counter';

describe('RollingCounter', () => {
  it('counts the events of the last window, an event leaving exactly windowMs later', () => {
    const counter = new RollingCounter(1_000);
    expect(counter.add(0)).toBe(1);
    expect(counter.add(400)).toBe(2);
    expect(counter.count(999)).toBe(2);
    expect(counter.nextExpiry(999)).toBe(1_000);
    expect(counter.count(1_000)).toBe(1);
    expect(counter.count(1_400)).toBe(0);
    expect(counter.nextExpiry(1_400)).toBeUndefined();
  });

  it('stays correct across compaction of a long run of events', () => {
    const counter = new RollingCounter(100);
    for (let t = 0; t < 10_000; t++) counter.add(t);
    expect(counter.count(9_999)).toBe(100);
    counter.clear();
    expect(counter.count(9_999)).toBe(0);
  });
});
