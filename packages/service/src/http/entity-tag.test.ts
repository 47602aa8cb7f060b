import { entityTag, matchesIfNoneMatch } from './entity-tag';

describe('entity tags', () => {
  it('are weak, change with the bytes, and stay the same for the same bytes', () => {
    const tag = entityTag(Buffer.from('{"last":"1.0"}'));
    expect(tag).toMatch(/^W\/"e-[\w-]{27}"$/);
    expect(entityTag(Buffer.from('{"last":"1.0"}'))).toBe(tag);
    expect(entityTag(Buffer.from('{"last":"1.1"}'))).not.toBe(tag);
  });

  it('match If-None-Match by weak comparison, in a list, or as *', () => {
    const tag = 'W/"e-abc"';
    expect(matchesIfNoneMatch(undefined, tag)).toBe(false);
    expect(matchesIfNoneMatch('W/"e-abc"', tag)).toBe(true);
    expect(matchesIfNoneMatch('"e-abc"', tag)).toBe(true);
    expect(matchesIfNoneMatch('"x", W/"e-abc"', tag)).toBe(true);
    expect(matchesIfNoneMatch('*', tag)).toBe(true);
    expect(matchesIfNoneMatch('W/"e-abd"', tag)).toBe(false);
  });
});
