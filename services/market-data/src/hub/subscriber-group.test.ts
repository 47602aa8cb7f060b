import { SseFrame } from '@tickwire/service';
import type { SseClient } from './sse-client';
import { STATUS_KEY, SubscriberGroup, type PendingEvent } from './subscriber-group';

let seq = 0;
const tick = (symbol: string, n: number, at = 0): PendingEvent => ({
  key: symbol,
  id: `${n}-0`,
  frame: SseFrame.fromText(`id: ${n}-0\nevent: tick\ndata: {"s":"${symbol}","n":${n}}\n\n`),
  seq: (seq += 1),
  at,
});

/** Gives `g` a pace: four events `spacingMs` apart, flushed at the fourth. */
function pace(g: SubscriberGroup, spacingMs: number): void {
  for (let n = 1; n <= 4; n += 1) g.add(tick('A', n, n * spacingMs));
  g.take(4 * spacingMs);
}

function group(options: { throttleMs?: number; maxPendingBytes?: number; phase?: number } = {}) {
  const conflated = { count: 0 };
  const g = new SubscriberGroup(
    'A,B|0',
    new Set(['A', 'B']),
    options.throttleMs ?? 0,
    options.maxPendingBytes ?? 1_000_000,
    (n) => (conflated.count += n),
    options.phase,
  );
  return { g, conflated };
}

describe('SubscriberGroup', () => {
  it('gives the same subscription the same key whatever the order of symbols', () => {
    expect(SubscriberGroup.keyOf(new Set(['B', 'A']), 0)).toBe(SubscriberGroup.keyOf(new Set(['A', 'B']), 0));
    expect(SubscriberGroup.keyOf(new Set(['A']), 0)).not.toBe(SubscriberGroup.keyOf(new Set(['A']), 500));
  });

  it('joins everything pending into one frame, in order, and starts empty again', () => {
    const { g } = group();
    const events = [tick('A', 1), tick('B', 1), tick('A', 2)];
    for (const event of events) g.add(event);
    const flush = g.take(10)!;
    expect(flush.events).toEqual(events);
    expect(flush.frame.identity.toString()).toBe(events.map((e) => e.frame.identity.toString()).join(''));
    expect(flush.statuses).toBe(0);
    expect(g.hasPending()).toBe(false);
    expect(g.take(11)).toBeUndefined();
  });

  it('keeps only the latest event per key once its pending bytes pass the limit, ids ascending', () => {
    const { g, conflated } = group({ maxPendingBytes: 100 });
    g.members.add({} as SseClient).add({} as SseClient);
    for (const event of [tick('A', 1), tick('B', 2), tick('A', 3), tick('B', 4), tick('A', 5)]) g.add(event);
    const flush = g.take(0)!;
    expect(flush.events.map((e) => e.id)).toEqual(['4-0', '5-0']);
    // Three events replaced, for each of the two members.
    expect(conflated.count).toBe(6);
  });

  it('always conflates when throttled, and is ready again only a throttle period after a flush', () => {
    const { g } = group({ throttleMs: 500 });
    g.add(tick('A', 1));
    g.add(tick('A', 2));
    g.add({ ...tick('A', 3), key: STATUS_KEY, id: undefined });
    expect(g.readyAt(5)).toBe(-Infinity);
    const flush = g.take(1_000)!;
    expect(flush.events.map((e) => e.key)).toEqual(['A', STATUS_KEY]);
    expect(flush.statuses).toBe(1);
    expect(g.readyAt(5)).toBe(1_500);
  });

  it('is due as soon as ready while the hub keeps up (batch target 1)', () => {
    const { g } = group();
    g.add(tick('A', 1, 0));
    g.add(tick('A', 2, 50));
    expect(g.dueAt(5, 1, 75)).toBe(-Infinity);
  });

  it('when saturated, waits for a second event at its own pace and is due at once when it comes', () => {
    const { g } = group();
    // One event every 60 ms: the group's pace.
    pace(g, 60);
    g.add(tick('A', 5, 300));
    // Alone: due when a second should have come (60 ms, with slack), within the 75 ms bound.
    expect(g.dueAt(5, 2, 75)).toBe(375);
    g.add(tick('A', 6, 360));
    expect(g.dueAt(5, 2, 75)).toBe(245);
  });

  it('waits for no more events than its pace brings within the bound', () => {
    const { g } = group();
    pace(g, 30);
    g.add(tick('A', 5, 150));
    // Target 5, but at 30 ms apart only 3 fit in 75 ms: due when the third comes, or at the bound.
    expect(g.dueAt(5, 5, 75)).toBe(150 + 75);
    g.add(tick('A', 6, 180));
    g.add(tick('A', 7, 210));
    expect(g.dueAt(5, 5, 75)).toBe(125);
  });

  it('does not wait when its pace cannot bring a second event within the bound', () => {
    const { g } = group();
    pace(g, 100);
    g.add(tick('A', 5, 500));
    expect(g.dueAt(5, 2, 75)).toBe(405);
  });

  it('never lingers a throttled group beyond its period', () => {
    const { g } = group({ throttleMs: 500 });
    g.add(tick('A', 1, 10));
    g.add(tick('A', 2, 20));
    g.take(20);
    g.add(tick('A', 3, 30));
    expect(g.dueAt(5, 4, 75)).toBe(520);
  });

  it('takes turns with the other groups of its subscription: each writes two events, after different events', () => {
    const groups = [group({ phase: 0 }).g, group({ phase: 1 }).g];
    /** Per group: after which event it wrote, and how many events. */
    const writes: string[][] = [[], []];
    // Both receive the same events, 60 ms apart, while the hub gathers two per write.
    for (let n = 1; n <= 10; n += 1) {
      const at = n * 60;
      groups.forEach((g, i) => {
        g.add(tick('A', n, at));
        if (g.dueAt(5, 2, 90) <= at) writes[i]!.push(`${n}:${g.take(at)!.events.length}`);
      });
    }
    // Until two events gave the pace, each wrote at once; then each writes pairs, on alternate events.
    expect(writes[0]).toEqual(['1:1', '2:1', '4:2', '6:2', '8:2', '10:2']);
    expect(writes[1]).toEqual(['1:1', '3:2', '5:2', '7:2', '9:2']);
  });
});
