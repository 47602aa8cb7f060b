import type { ServerResponse } from 'node:http';
import { SseFrame } from './sse-frame';
import { SseWriter } from './sse-writer';

function response(options: { queuedInResponse: number; chunked: boolean }) {
  const socketWrites: Buffer[] = [];
  const responseWrites: Buffer[] = [];
  const socket = { writableLength: 0, write: (chunk: Buffer) => socketWrites.push(chunk) };
  const res = {
    socket,
    chunkedEncoding: options.chunked,
    writableLength: options.queuedInResponse,
    flushHeaders() {},
    write: (chunk: Buffer) => responseWrites.push(chunk),
  };
  return { res: res as unknown as ServerResponse, socketWrites, responseWrites };
}

describe('SseWriter', () => {
  const frame = SseFrame.fromText('data: x\n\n');

  it('writes the shared chunk straight to the socket once the head is there', () => {
    const { res, socketWrites, responseWrites } = response({ queuedInResponse: 0, chunked: true });
    new SseWriter(res).write(frame);
    expect(socketWrites).toEqual([frame.chunked]);
    expect(socketWrites[0]).toBe(frame.chunked);
    expect(responseWrites).toEqual([]);
  });

  it('writes the events without chunk framing to a connection that is not chunked (HTTP/1.0)', () => {
    const { res, socketWrites } = response({ queuedInResponse: 0, chunked: false });
    new SseWriter(res).write(frame);
    expect(socketWrites.map(String)).toEqual(['data: x\n\n']);
  });

  it('goes through the response while its head is queued behind an earlier response', () => {
    const { res, socketWrites, responseWrites } = response({ queuedInResponse: 120, chunked: true });
    new SseWriter(res).write(frame);
    expect(socketWrites).toEqual([]);
    expect(responseWrites.map(String)).toEqual(['data: x\n\n']);
  });
});
