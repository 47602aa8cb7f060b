/**
 * Writes SSE frames to one client. Once the response head is on the socket, frames go straight
 * to the socket, already chunk-framed (SseFrame.chunked): no per-write chunk header, no
 * OutgoingMessage bookkeeping, and the same Buffer object for every subscriber. When nothing is
 * queued on the socket (the usual case: the kernel took everything so far) a frame is written
 * to the socket's file descriptor with one `write()`: a fan-out is one such write per client,
 * and Node's stream path around it (write request object, callback, state updates) took over a
 * tenth of the pod's CPU in a fan-out profile (bench/RESULTS.md). Whatever the kernel does not
 * take goes through the socket as usual, so Node queues it (a reference to the shared Buffer,
 * not a copy), reports it in `writableLength`, and nothing is written around it until it has
 * drained.
 * Writing to the socket directly, the writer owns the connection: it ends and destroys the socket
 * itself, and detaches it from node's HTTP server (http-detach.ts), which then frees the request,
 * the response and the parser.
 * When the head is still queued behind an earlier response on the connection, frames go through
 * the response instead, which keeps everything in order.
 */
import { writeSync } from 'node:fs';
import { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { detachFromHttpServer, type DetachOutcome } from './http-detach';
import type { SseFrame } from './sse-frame';

/** The part of net.Socket's native handle used here: its file descriptor (-1 or absent: none). */
interface HandleWithFd {
  fd?: number;
}

/** net.Socket's native handle: null once the socket is destroyed (its descriptor may then be reused). */
function handleOf(socket: Socket): HandleWithFd | null | undefined {
  return (socket as unknown as { _handle?: HandleWithFd | null })._handle;
}

/** The last chunk of a chunked body: ends the response. */
const LAST_CHUNK = Buffer.from('0\r\n\r\n', 'latin1');

export class SseWriter {
  /** The socket frames are written to directly, or undefined to write through the response. */
  private readonly socket: Socket | undefined;
  /**
   * What the writer owns and ends: that socket, or else the response (a direct writer lets node
   * free the response).
   */
  private readonly stream: Socket | ServerResponse;
  private readonly chunked: boolean;
  /** The socket's handle and its descriptor, read once (reading `fd` is a call into C++). */
  private readonly handle: HandleWithFd | null | undefined;
  private readonly fd: number;

  /**
   * Call after `writeHead`: sends the head at once, so later raw writes follow it. `onDetach`
   * hears, on a later turn, whether the connection left node's HTTP server.
   */
  constructor(response: ServerResponse, onDetach?: (outcome: DetachOutcome) => void) {
    response.flushHeaders();
    const socket = response.socket ?? undefined;
    // writableLength counts the response's own queue plus the socket's: equal means the head
    // (and anything before it) has been handed to the socket, so writing there keeps order.
    const direct = socket !== undefined && response.writableLength === socket.writableLength;
    this.socket = direct ? socket : undefined;
    this.stream = direct ? socket : response;
    this.chunked = response.chunkedEncoding;
    this.handle = direct ? handleOf(socket) : undefined;
    this.fd = this.handle?.fd ?? -1;
    if (direct) detachFromHttpServer(response, socket, onDetach);
    else if (onDetach) setImmediate(onDetach, 'queued');
  }

  write(frame: SseFrame): void {
    const socket = this.socket;
    if (socket === undefined) {
      this.stream.write(frame.identity);
      return;
    }
    const bytes = this.chunked ? frame.chunked : frame.identity;
    // Straight to the descriptor only while the socket is open and writable (same handle: a
    // destroyed socket has none, and its number may be reused) with nothing queued or corked
    // before it, so order holds.
    if (
      this.fd >= 0 &&
      handleOf(socket) === this.handle &&
      socket.writable &&
      socket.writableLength === 0 &&
      socket.writableCorked === 0
    ) {
      let written = 0;
      try {
        written = writeSync(this.fd, bytes);
      } catch {
        // EAGAIN (kernel buffer full), EPIPE, ECONNRESET: the socket's own write below queues
        // the bytes or reports the error the usual way (and the stream's owner removes the client on close).
      }
      if (written === bytes.length) return;
      socket.write(written === 0 ? bytes : bytes.subarray(written));
      return;
    }
    socket.write(bytes);
  }

  /** Bytes accepted but not yet handed to the kernel. */
  bufferedBytes(): number {
    return this.stream.writableLength;
  }

  /** Calls `listener` once when the unsent bytes have drained. */
  onceDrained(listener: () => void): void {
    this.stream.once('drain', listener);
  }

  /** Calls `listener` once when the connection has closed (for any reason). */
  onceClosed(listener: () => void): void {
    this.stream.once('close', listener);
  }

  /**
   * Ends the stream and closes the connection once what is queued has been sent (the head said
   * keep-alive, but a stream that ends is not followed by another request worth waiting for).
   * A client that does not read it all within `graceMs` is destroyed.
   */
  end(graceMs: number): void {
    const stream = this.stream;
    if (stream.destroyed) return;
    if (stream instanceof ServerResponse) {
      stream.once('finish', () => stream.socket?.end());
      stream.end();
    } else {
      if (this.chunked && stream.writable) stream.write(LAST_CHUNK);
      stream.end();
    }
    const timer = setTimeout(() => stream.destroy(), graceMs);
    timer.unref();
    stream.once('close', () => clearTimeout(timer));
  }

  destroy(): void {
    this.stream.destroy();
  }
}
