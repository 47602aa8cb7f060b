import { SseFrame } from '@tickwire/service';
import { FanoutQueue } from './fanout-queue';
import type { SseClient } from './sse-client';
import { SubscriberGroup, type PendingEvent } from './subscriber-group';

let seq = 0;
const tick = (symbol: string, at: number): PendingEvent => ({
  key: symbol,
  id: `${(seq += 1)}-0`,
  frame: SseFrame.fromText(`event: tick\ndata: {"s":"${symbol}"}\n\n`),
  seq,
  at,
});

/** A group of `members` stub clients that record the frames they are handed. */
function group(symbol: string, members: number) {
  const g = new SubscriberGroup(`${symbol}|0`, new Set([symbol]), 0, 1_000_000, () => {});
  const received: SseFrame[][] = [];
  for (let i = 0; i < members; i += 1) {
    const frames: SseFrame[] = [];
    received.push(frames);
    g.members.add({
      deliver: (frame: SseFrame) => {
        frames.push(frame);
        return frame.events;
      },
    } as unknown as SseClient);
  }
  return { g, received };
}

function queue(batchTarget: number) {
  return new FanoutQueue({
    intervalMs: 0,
    maxLingerMs: 75,
    batchTarget: () => batchTarget,
    onWritten: () => {},
    onTake: () => {},
  });
}

describe('FanoutQueue', () => {
  it('writes a gathering group as soon as it is due, even while other groups keep the queue busy', () => {
    const q = queue(2);
    const slow = group('A', 1);
    const busy = group('B', 10);
    // A's pace: an event every 60 ms, so it waits for a second one (its third event is odd).
    for (const at of [60, 120]) slow.g.add(tick('A', at));
    slow.g.take(120);
    slow.g.add(tick('A', 180));
    q.add(slow.g);
    let now = 180;
    for (let round = 0; round < 20; round += 1) {
      // B always has work: with a budget of 4 writes per slice the queue is never empty.
      busy.g.add(tick('B', now));
      busy.g.add(tick('B', now));
      q.add(busy.g);
      expect(q.slice(4, now).more).toBe(true);
      now += 10;
    }
    // Due at 180 + 75 (no second event came): written at the next turn after that, not once
    // B's backlog is gone (it never is).
    expect(slow.received[0]).toHaveLength(1);
    expect(slow.received[0]![0]!.events).toBe(1);
  });

  it('comes back when the first waiting group is due, and only then', () => {
    const q = queue(2);
    const a = group('A', 2);
    for (const at of [60, 120]) a.g.add(tick('A', at));
    a.g.take(120);
    a.g.add(tick('A', 180));
    q.add(a.g);
    expect(q.slice(100, 181)).toEqual({ more: false, wakeAt: 255 });
    expect(a.received[0]).toHaveLength(0);
    a.g.add(tick('A', 240));
    expect(q.slice(100, 240)).toEqual({ more: false, wakeAt: undefined });
    expect(a.received.map((frames) => frames.map((frame) => frame.events))).toEqual([[2], [2]]);
  });
});
