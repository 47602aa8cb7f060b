/**
 * An SSE frame: one or more encoded events as a single HTTP/1.1 chunk, built once and written
 * as-is to every subscriber. The chunk size line and the trailing CRLF live in the same buffer as
 * the events, so a subscriber costs one socket write of shared bytes and nothing else; `identity`
 * is a view of the same memory without the chunk framing, for HTTP/1.0 clients.
 */

/** Bytes around a chunk's data: the size line's CRLF and the trailing CRLF. */
const CHUNK_CRLF_BYTES = 4;

export class SseFrame {
  /** The events as one chunk: `<size hex>\r\n<events>\r\n`. */
  readonly chunked: Buffer;
  /** The events alone (a view into `chunked`). */
  readonly identity: Buffer;

  private constructor(
    chunked: Buffer,
    headerBytes: number,
    /** Events in the frame (0 for a heartbeat comment). */
    readonly events: number,
  ) {
    this.chunked = chunked;
    this.identity = chunked.subarray(headerBytes, chunked.length - 2);
  }

  /** A frame of already-encoded SSE text (one or more complete events). */
  static fromText(text: string, events = 1): SseFrame {
    const bodyBytes = Buffer.byteLength(text);
    const header = bodyBytes.toString(16);
    const chunked = Buffer.allocUnsafe(header.length + bodyBytes + CHUNK_CRLF_BYTES);
    let offset = chunked.write(header, 0, 'latin1');
    offset += chunked.write('\r\n', offset, 'latin1');
    offset += chunked.write(text, offset, 'utf8');
    chunked.write('\r\n', offset, 'latin1');
    return new SseFrame(chunked, header.length + 2, events);
  }

  /** One frame carrying every event of `frames`, in order (one allocation, one chunk). */
  static join(frames: readonly SseFrame[]): SseFrame {
    if (frames.length === 1) return frames[0]!;
    let bodyBytes = 0;
    let events = 0;
    for (const frame of frames) {
      bodyBytes += frame.identity.length;
      events += frame.events;
    }
    const header = bodyBytes.toString(16);
    const chunked = Buffer.allocUnsafe(header.length + bodyBytes + CHUNK_CRLF_BYTES);
    let offset = chunked.write(header, 0, 'latin1');
    offset += chunked.write('\r\n', offset, 'latin1');
    for (const frame of frames) offset += frame.identity.copy(chunked, offset);
    chunked.write('\r\n', offset, 'latin1');
    return new SseFrame(chunked, header.length + 2, events);
  }
}
