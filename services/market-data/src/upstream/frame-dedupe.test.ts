import { DEDUPE_GENERATION_MS, FrameDedupe } from './frame-dedupe';

describe('FrameDedupe', () => {
  it('lets the first copy of a frame through and drops the second', () => {
    const dedupe = new FrameDedupe(() => 0);
    expect(dedupe.firstSight('a')).toBe(true);
    expect(dedupe.firstSight('b')).toBe(true);
    expect(dedupe.firstSight('a')).toBe(false);
  });

  it('remembers a frame for at least one generation and forgets it after two', () => {
    let now = 0;
    const dedupe = new FrameDedupe(() => now);
    dedupe.firstSight('a');
    now = DEDUPE_GENERATION_MS + 1;
    expect(dedupe.firstSight('a')).toBe(false);
    now = 3 * DEDUPE_GENERATION_MS + 2;
    expect(dedupe.firstSight('a')).toBe(true);
  });
});
