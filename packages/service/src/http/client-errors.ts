/**
 * Requests node's HTTP parser refuses before any route sees them (headers over the size limit,
 * oversized chunk extensions, a head that never completes, garbage) are answered with the same
 * JSON errors as everything else; node would send a status line and an empty body.
 */
import { STATUS_CODES, maxHeaderSize as defaultMaxHeaderSize, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { commonHttpErrors, errorBody, JSON_CONTENT_TYPE, type HttpError } from '../errors';
import { NOSNIFF } from './edge-headers';

/** Node's limit on the size of one chunk's extensions (lib/_http_common: kMaxChunkExtensionsSize). */
const MAX_CHUNK_EXTENSIONS_BYTES = 16 * 1024;

/** The error a parser failure is answered with; undefined when the peer is gone anyway. */
export function clientErrorResponse(error: NodeJS.ErrnoException, server: Server): HttpError | undefined {
  switch (error.code) {
    case 'ECONNRESET':
    case 'EPIPE':
      return undefined;
    case 'HPE_HEADER_OVERFLOW':
      return commonHttpErrors.headersTooLarge(headerLimit(server));
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return commonHttpErrors.payloadTooLarge(MAX_CHUNK_EXTENSIONS_BYTES);
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return commonHttpErrors.requestTimeout();
    default:
      return commonHttpErrors.malformedRequest(error.code ?? error.message);
  }
}

/** Answers parser failures on `server` with JSON errors, then closes the connection. */
export function answerClientErrorsAsJson(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    const httpError = clientErrorResponse(error, server);
    if (httpError === undefined || !socket.writable || responseStarted(socket)) {
      socket.destroy();
      return;
    }
    socket.end(rawResponse(httpError), () => socket.destroy());
  });
}

/** The server's own limit when it was created with one (node keeps it on the server), else node's. */
function headerLimit(server: Server): number {
  return (server as { maxHeaderSize?: number }).maxHeaderSize ?? defaultMaxHeaderSize;
}

function rawResponse(error: HttpError): string {
  const body = errorBody(error);
  const headers = {
    ...error.headers,
    'Content-Type': JSON_CONTENT_TYPE,
    'Content-Length': String(Buffer.byteLength(body)),
    'X-Content-Type-Options': NOSNIFF,
    Connection: 'close',
  };
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ''}\r\n${head.join('')}\r\n${body}`;
}

/**
 * Whether a response on this connection already put bytes on the wire: another answer would
 * corrupt it. Node's own fallback checks the same (the connection's in-flight response); where
 * that field is missing, any byte written counts.
 */
function responseStarted(socket: Duplex): boolean {
  const inFlight = (socket as { _httpMessage?: { headersSent: boolean } | null })._httpMessage;
  if (inFlight === undefined) return (socket as { bytesWritten?: number }).bytesWritten !== 0;
  return inFlight !== null && inFlight.headersSent;
}
