/**
 * Writes SSE frames to one client. Once the response head is on the socket, frames go straight
 * to the socket, already chunk-framed (SseFrame.chunked): no per-write chunk header, no
 * OutgoingMessage bookkeeping, and the same Buffer object for every subscriber (Node queues a
 * reference when the socket is busy, so a backed-up client holds shared bytes, not copies).
 * When the head is still queued behind an earlier response on the connection, frames go through
 * the response instead, which keeps everything in order.
 */
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { SseFrame } from './sse-frame';

export class SseWriter {
  /** The socket frames are written to directly, or undefined to write through the response. */
  private readonly socket: Socket | undefined;
  private readonly chunked: boolean;

  /** Call after `writeHead`: sends the head at once, so later raw writes follow it. */
  constructor(readonly response: ServerResponse) {
    response.flushHeaders();
    const socket = response.socket ?? undefined;
    // writableLength counts the response's own queue plus the socket's: equal means the head
    // (and anything before it) has been handed to the socket, so writing there keeps order.
    const direct = socket !== undefined && response.writableLength === socket.writableLength;
    this.socket = direct ? socket : undefined;
    this.chunked = response.chunkedEncoding;
  }

  write(frame: SseFrame): void {
    if (this.socket) this.socket.write(this.chunked ? frame.chunked : frame.identity);
    else this.response.write(frame.identity);
  }

  /** Bytes accepted but not yet handed to the kernel. */
  bufferedBytes(): number {
    return this.socket ? this.socket.writableLength : this.response.writableLength;
  }

  /** Calls `listener` once when the unsent bytes have drained. */
  onceDrained(listener: () => void): void {
    if (this.socket) this.socket.once('drain', listener);
    else this.response.once('drain', listener);
  }

  /**
   * Ends the stream and closes the connection once what is queued has been sent (the head said
   * keep-alive, but a stream that ends is not followed by another request worth waiting for).
   * A client that does not read it all within `graceMs` is destroyed.
   */
  end(graceMs: number): void {
    const response = this.response;
    if (response.destroyed) return;
    response.once('finish', () => response.socket?.end());
    response.end();
    const timer = setTimeout(() => response.destroy(), graceMs);
    timer.unref();
    response.once('close', () => clearTimeout(timer));
  }

  destroy(): void {
    this.response.destroy();
  }
}
