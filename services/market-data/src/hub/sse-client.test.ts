import { SseFrame, SseWriter } from '@tickwire/service';
import { SseClient } from './sse-client';
import { SubscriberGroup, type PendingEvent } from './subscriber-group';
import { fakeStream } from '../testing/fake-sse-stream';

let seq = 0;
const tick = (symbol: string, n: number): PendingEvent => ({
  key: symbol,
  id: `${n}-0`,
  frame: SseFrame.fromText(`id: ${n}-0\nevent: tick\ndata: {"s":"${symbol}","n":${n}}\n\n`),
  seq: (seq += 1),
  at: 0,
});

function client(maxBufferBytes: number) {
  const stream = fakeStream();
  const group = new SubscriberGroup('A,B|0', new Set(['A', 'B']), 0, 1_000_000, () => {});
  const conflated = { count: 0 };
  const sse = new SseClient(new SseWriter(stream.response), group, 0, {
    maxBufferBytes,
    onConflated: (n) => (conflated.count += n),
    now: () => 0,
  });
  return { stream, sse, conflated };
}

describe('SseClient', () => {
  it('holds at most its buffer limit while paused, keeping the latest event per symbol', () => {
    const { stream, sse, conflated } = client(200);
    sse.pause();
    for (let n = 1; n <= 20; n += 1) {
      const event = tick(n % 2 === 0 ? 'A' : 'B', n);
      sse.deliver(event.frame, [event], 0);
    }
    expect(stream.writes).toHaveLength(0);
    expect(conflated.count).toBeGreaterThan(0);
    sse.resume(undefined);
    // Whatever was kept, every symbol's newest value is there and ids only go up.
    const ids = [...stream.text().matchAll(/id: (\d+)-0/g)].map((m) => Number(m[1]));
    expect(ids.slice(-2)).toEqual([19, 20]);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
  });

  it('keeps events in order while the socket is backed up, and sends them as one write once it drains', () => {
    const { stream, sse, conflated } = client(10_000);
    stream.unsentBytes = 100;
    for (let n = 1; n <= 4; n += 1) {
      const event = tick(n % 2 === 0 ? 'A' : 'B', n);
      expect(sse.deliver(event.frame, [event], 0)).toBe(0);
    }
    // Node's queue did not grow: nothing was written while it held bytes.
    expect(stream.writes).toHaveLength(0);
    expect(sse.stuckSince).toBeUndefined();
    stream.drain();
    expect(stream.writes).toHaveLength(1);
    expect([...stream.text().matchAll(/id: (\d+)-0/g)].map((m) => Number(m[1]))).toEqual([1, 2, 3, 4]);
    expect(conflated.count).toBe(0);
  });

  it('skips events its replay already carried when they arrive live after the replay was written', () => {
    const { stream, sse } = client(10_000);
    sse.pause();
    const keptDuringReplay = tick('A', 4);
    sse.deliver(keptDuringReplay.frame, [keptDuringReplay], 0);
    // The replay read the stream up to 5-0; this pod's hub had only reached 4-0.
    sse.resume('5-0');
    expect(stream.writes).toHaveLength(0);
    const lateCopy = tick('B', 5);
    expect(sse.deliver(lateCopy.frame, [lateCopy], 0)).toBe(0);
    const next = tick('A', 6);
    expect(sse.deliver(next.frame, [next], 0)).toBe(1);
    const after = tick('B', 7);
    expect(sse.deliver(after.frame, [after], 0)).toBe(1);
    expect([...stream.text().matchAll(/id: (\d+)-0/g)].map((m) => Number(m[1]))).toEqual([6, 7]);
  });

  it('writes nothing once closed', () => {
    const { stream, sse } = client(1_000);
    sse.close();
    const event = tick('A', 1);
    expect(sse.deliver(event.frame, [event], 0)).toBe(0);
    sse.writeNow(event.frame);
    expect(stream.writes).toHaveLength(0);
  });
});
