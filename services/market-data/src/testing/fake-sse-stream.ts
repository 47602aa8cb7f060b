/**
 * A stand-in for an SSE response and its socket, for hub unit tests: records every buffer
 * written (the objects themselves, so tests can check that subscribers share one), and lets the
 * test decide how many bytes are "unsent" to play a client that stopped reading.
 */
import type { ServerResponse } from 'node:http';

export interface FakeStream {
  response: ServerResponse;
  /** Buffers written to the socket, in order. */
  writes: Buffer[];
  /** The bytes the socket reports as not yet sent. */
  unsentBytes: number;
  ended: boolean;
  destroyed: boolean;
  /** Everything written, without chunk framing, as text. */
  text(): string;
  /** Plays the socket catching up: unsent bytes go to 0 and 'drain' fires. */
  drain(): void;
}

export function fakeStream(): FakeStream {
  const drainListeners: (() => void)[] = [];
  const socket = {
    get writableLength() {
      return stream.unsentBytes;
    },
    write(chunk: Buffer) {
      stream.writes.push(chunk);
      return true;
    },
    get writable() {
      return !stream.ended && !stream.destroyed;
    },
    get destroyed() {
      return stream.destroyed;
    },
    once(event: string, listener: () => void) {
      if (event === 'drain') drainListeners.push(listener);
    },
    end() {
      stream.ended = true;
    },
    destroy() {
      stream.destroyed = true;
    },
  };
  const response = {
    socket,
    chunkedEncoding: true,
    get writableLength() {
      return stream.unsentBytes;
    },
    get destroyed() {
      return stream.destroyed;
    },
    flushHeaders() {},
    write(chunk: Buffer) {
      stream.writes.push(chunk);
      return true;
    },
    once() {},
    end() {
      stream.ended = true;
    },
    destroy() {
      stream.destroyed = true;
    },
  };
  const stream: FakeStream = {
    response: response as unknown as ServerResponse,
    writes: [],
    unsentBytes: 0,
    ended: false,
    destroyed: false,
    text: () => stream.writes.map((chunk) => unchunk(chunk)).join(''),
    drain: () => {
      stream.unsentBytes = 0;
      for (const listener of drainListeners.splice(0)) listener();
    },
  };
  return stream;
}

/** The data of the HTTP/1.1 chunks in `chunk` (one or more `<hex>\r\n<data>\r\n`). */
export function unchunk(chunk: Buffer): string {
  let text = '';
  let offset = 0;
  while (offset < chunk.length) {
    const lineEnd = chunk.indexOf('\r\n', offset);
    const size = parseInt(chunk.toString('latin1', offset, lineEnd), 16);
    text += chunk.toString('utf8', lineEnd + 2, lineEnd + 2 + size);
    offset = lineEnd + 2 + size + 2;
  }
  return text;
}
