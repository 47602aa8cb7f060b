import { compareEventPositions, parseEventId, tickEventId } from './event-id';

const position = (id: string) => parseEventId(id)!;

describe('event ids', () => {
  it('orders the events of an entry by index, the end of the entry after them, and entries by id', () => {
    const ordered = ['9-5', '10-0.0', '10-0.2', '10-0.10', '10-0', '10-1.0', '10-1', '11-0.0'];
    for (let i = 0; i < ordered.length; i += 1) {
      for (let j = 0; j < ordered.length; j += 1) {
        const sign = Math.sign(compareEventPositions(position(ordered[i]!), position(ordered[j]!)));
        expect([ordered[i], ordered[j], sign]).toEqual([ordered[i], ordered[j], Math.sign(i - j)]);
      }
    }
  });

  it('round-trips the ids it makes, and reads an entry id as the end of that entry', () => {
    expect(parseEventId(tickEventId('1763712000128-3', 7))).toEqual({
      entryId: '1763712000128-3',
      entry: { ms: 1763712000128n, seq: 3n },
      index: 7,
    });
    expect(parseEventId('1763712000128-3')).toMatchObject({ entryId: '1763712000128-3', index: undefined });
  });

  it('refuses what it did not make', () => {
    for (const id of ['', '1', '1-', '-1', '1-0.', '1-0.a', '1-0.0.0', '1-0.-1', '1-0:1', ' 1-0', '1-0\n']) {
      expect([id, parseEventId(id)]).toEqual([id, undefined]);
    }
  });
});
