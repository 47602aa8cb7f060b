import { PassThrough } from 'node:stream';
import type { ServerResponse } from 'node:http';
import { SseClient } from './sse-client';

/** A response whose buffered byte count the test controls, standing in for a socket that stops draining. */
function fakeResponse() {
  const written: string[] = [];
  const stream = new PassThrough();
  const response = Object.assign(stream, {
    writableLengthOverride: 0,
    write(chunk: Buffer) {
      written.push(chunk.toString());
      return true;
    },
  });
  Object.defineProperty(response, 'writableLength', { get: () => response.writableLengthOverride });
  return { response: response as unknown as ServerResponse & { writableLengthOverride: number }, written };
}

const event = (symbol: string, n: number) =>
  Buffer.from(`id: ${n}-0\nevent: tick\ndata: {"s":"${symbol}","n":${n}}\n\n`);

function client(response: ServerResponse, throttleMs = 0) {
  const stats = { bytes: 0, events: 0, conflated: 0 };
  const sse = new SseClient(response, {
    symbols: new Set(['A', 'B']),
    throttleMs,
    maxBufferBytes: 100,
    onWrite: (bytes, events) => {
      stats.bytes += bytes;
      stats.events += events;
    },
    onConflated: (n) => (stats.conflated += n),
  });
  return { sse, stats };
}

describe('SseClient', () => {
  it('coalesces everything queued between flushes into one write', () => {
    const { response, written } = fakeResponse();
    const { sse, stats } = client(response);
    sse.enqueue('A', event('A', 1), '1-0');
    sse.enqueue('B', event('B', 1), '1-0');
    sse.flush();
    expect(written).toHaveLength(1);
    expect(stats.events).toBe(2);
    sse.close();
  });

  it('keeps only the latest event per symbol while the socket is backed up, in id order', () => {
    const { response, written } = fakeResponse();
    const { sse, stats } = client(response);
    response.writableLengthOverride = 1_000;
    for (let n = 1; n <= 5; n += 1) {
      sse.enqueue('A', event('A', n), `${n}-0`);
      sse.enqueue('B', event('B', n), `${n}-0`);
      sse.flush(1_000 + n);
    }
    expect(written).toHaveLength(0);
    expect(sse.stuckSince).toBe(1_001);
    expect(stats.conflated).toBe(8);
    response.writableLengthOverride = 0;
    sse.flush(2_000);
    expect(sse.stuckSince).toBeUndefined();
    expect(written).toHaveLength(1);
    expect(written[0]).toBe(`${event('A', 5).toString()}${event('B', 5).toString()}`);
    sse.close();
  });

  it('drops events already sent by a replay when it resumes', () => {
    const { response, written } = fakeResponse();
    const { sse } = client(response);
    sse.pause();
    sse.enqueue('A', event('A', 3), '3-0');
    sse.enqueue('A', event('A', 4), '4-0');
    sse.flush();
    expect(written).toHaveLength(0);
    sse.resume('3-0');
    expect(written.join('')).toBe(event('A', 4).toString());
    sse.close();
  });

  it('sends a throttled client the latest value per symbol once per period', async () => {
    const { response, written } = fakeResponse();
    const { sse } = client(response, 30);
    sse.enqueue('A', event('A', 1), '1-0');
    sse.enqueue('A', event('A', 2), '2-0');
    sse.flush();
    expect(written).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(written.join('')).toBe(event('A', 2).toString());
    sse.close();
  });
});
