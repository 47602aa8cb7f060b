import fs from 'node:fs';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
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

  it('on a real connection, keeps every byte in order when the kernel stops taking them and Node queues the rest', async () => {
    const frame = (n: number) =>
      SseFrame.fromText(`id: ${n}\ndata: ${String(n).padStart(8, '0').repeat(8_000)}\n\n`);
    /** Frames written after Node started queueing: they must follow the queued bytes. */
    const AFTER_QUEUEING = 20;
    /** Bound on the bytes written while the kernel still takes them (64 KB frames). */
    const MAX_FRAMES = 2_000;
    let writer: SseWriter | undefined;
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      writer = new SseWriter(res);
    });
    const direct = jest.spyOn(fs, 'writeSync');
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    let response: IncomingMessage | undefined;
    try {
      const { port } = server.address() as AddressInfo;
      response = await new Promise<IncomingMessage>((resolve, reject) =>
        request({ port, host: '127.0.0.1', path: '/' }, resolve).on('error', reject).end(),
      );
      response.pause();
      const written: SseFrame[] = [];
      let afterQueueing = 0;
      while (written.length < MAX_FRAMES && afterQueueing < AFTER_QUEUEING) {
        written.push(frame(written.length));
        writer!.write(written.at(-1)!);
        if (writer!.bufferedBytes() > 0) afterQueueing += 1;
      }
      // The client stopped reading: the kernel's buffers filled and Node queued the rest.
      expect(afterQueueing).toBe(AFTER_QUEUEING);
      // Until then frames went straight to the descriptor; after, only through the queue.
      expect(direct.mock.calls.length).toBe(written.length - AFTER_QUEUEING + 1);
      const expected = Buffer.concat(written.map((f) => f.identity));
      const chunks: Buffer[] = [];
      let received = 0;
      await new Promise<void>((resolve) => {
        response!.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          received += chunk.length;
          if (received >= expected.length) resolve();
        });
        response!.resume();
      });
      expect(Buffer.concat(chunks).equals(expected)).toBe(true);
    } finally {
      direct.mockRestore();
      response?.destroy();
      writer?.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('never writes to the descriptor of a destroyed socket (its number may belong to another one by then)', async () => {
    let writer: SseWriter | undefined;
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      writer = new SseWriter(res);
      writer.write(SseFrame.fromText('data: first\n\n'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const direct = jest.spyOn(fs, 'writeSync');
    let response: IncomingMessage | undefined;
    try {
      const { port } = server.address() as AddressInfo;
      response = await new Promise<IncomingMessage>((resolve, reject) =>
        request({ port, host: '127.0.0.1', path: '/' }, resolve).on('error', reject).end(),
      );
      expect(direct).toHaveBeenCalledTimes(1);
      writer!.destroy();
      writer!.write(SseFrame.fromText('data: too late\n\n'));
      expect(direct).toHaveBeenCalledTimes(1);
    } finally {
      direct.mockRestore();
      response?.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
