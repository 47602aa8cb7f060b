import { SseFrame } from './sse-frame';

describe('SseFrame', () => {
  it('is one HTTP/1.1 chunk whose size line counts the UTF-8 bytes of the events', () => {
    const frame = SseFrame.fromText('data: {"s":"€"}\n\n');
    const body = Buffer.from('data: {"s":"€"}\n\n');
    expect(frame.chunked.toString()).toBe(`${body.length.toString(16)}\r\n${body.toString()}\r\n`);
    expect(frame.identity.equals(body)).toBe(true);
    expect(frame.events).toBe(1);
  });

  it('joins frames into one chunk carrying every event in order, sharing no memory with the parts', () => {
    const a = SseFrame.fromText('data: a\n\n');
    const b = SseFrame.fromText(':hb\n\n', 0);
    const joined = SseFrame.join([a, b]);
    expect(joined.identity.toString()).toBe('data: a\n\n:hb\n\n');
    expect(joined.chunked.toString()).toBe('e\r\ndata: a\n\n:hb\n\n\r\n');
    expect(joined.events).toBe(1);
    expect(SseFrame.join([a])).toBe(a);
  });
});
