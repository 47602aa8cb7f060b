import type { SseClient } from './sse-client';
import { SseFrame } from './sse-frame';
import { STATUS_KEY, SubscriberGroup, type PendingEvent } from './subscriber-group';

let seq = 0;
const tick = (symbol: string, n: number): PendingEvent => ({
  key: symbol,
  id: `${n}-0`,
  frame: SseFrame.fromText(`id: ${n}-0\nevent: tick\ndata: {"s":"${symbol}","n":${n}}\n\n`),
  seq: (seq += 1),
  at: 0,
});

function group(options: { throttleMs?: number; maxPendingBytes?: number } = {}) {
  const conflated = { count: 0 };
  const g = new SubscriberGroup(
    'A,B|0',
    new Set(['A', 'B']),
    options.throttleMs ?? 0,
    options.maxPendingBytes ?? 1_000_000,
    (n) => (conflated.count += n),
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
});
