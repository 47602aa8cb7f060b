/**
 * Takes an SSE connection out of node's HTTP server once its response head is on the socket, as
 * node itself does for an upgraded (WebSocket) connection. An open stream never serves another
 * request, yet node keeps, per connection, its HTTP parser (native, with its header buffers), the
 * request and response objects and the server's per-socket closures: about half of what an idle
 * stream costs (bench/RESULTS.md). Detached, the connection is a bare socket the stream's writer
 * owns: it writes, ends and watches it itself, and the server no longer tracks it (the service ends
 * every stream at shutdown).
 *
 * Node has no public API for this, so it relies on what the upgrade path uses: `socket.parser`
 * and the names of the server's listeners, the same in node 20 and in node's main branch. When
 * any of it is missing the connection stays with the server as before, and the stream works the
 * same.
 */
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** What node's server listens to on each connection, by the listener's function name. */
const SERVER_LISTENERS: ReadonlyArray<readonly [event: string, name: string]> = [
  ['data', 'bound socketOnData'],
  ['end', 'bound socketOnEnd'],
  ['close', 'bound socketOnClose'],
  ['drain', 'bound socketOnDrain'],
  ['error', 'socketOnError'],
  ['timeout', 'socketOnTimeout'],
];
/** Listeners the server adds only while its parser reads the socket natively (consumed). */
const CONSUMED_LISTENERS: ReadonlyArray<readonly [event: string, name: string]> = [
  ['resume', 'onSocketResume'],
  ['pause', 'onSocketPause'],
];
/**
 * An SSE client sends nothing after its request. Bytes it sends anyway are read and dropped (so
 * its close is still seen); past this many the connection is closed.
 */
export const MAX_UNEXPECTED_BYTES = 16 * 1024;

/** The parts of node's HTTP parser this uses. */
interface ServerParser {
  _consumed?: boolean;
  socket: unknown;
  incoming: unknown;
  onIncoming: unknown;
  unconsume(): void;
  remove(): void;
  close(): void;
}

type Listener = (...args: unknown[]) => void;

/**
 * What became of a stream's connection: `detached` from the server; `unsupported`, kept by the
 * server because this node's internals are not the ones expected (it costs memory, nothing else);
 * `queued`, kept because its head waits behind an earlier response (SseWriter); `closed` before
 * the detach could run.
 */
export type DetachOutcome = 'detached' | 'unsupported' | 'queued' | 'closed';

interface ServerSocket {
  parser?: ServerParser | null;
  _httpMessage?: unknown;
}

/**
 * Detaches `socket` from the server on the next turn of the event loop: the request handler runs
 * inside the parser, which must finish the bytes it holds first (node defers closing a parser
 * for the same reason). Anything pipelined behind the stream's request is never answered, as
 * before. `onOutcome` is told what became of the connection.
 */
export function detachFromHttpServer(
  response: ServerResponse,
  socket: Socket,
  onOutcome: (outcome: DetachOutcome) => void = ignoreOutcome,
): void {
  setImmediate(() => onOutcome(detachNow(response, socket)));
}

/** True once `socket` no longer belongs to node's HTTP server. */
export function isDetached(socket: Socket): boolean {
  const internal = socket as unknown as ServerSocket;
  return internal.parser === null && internal._httpMessage === null;
}

function detachNow(response: ServerResponse, socket: Socket): DetachOutcome {
  const internal = socket as unknown as ServerSocket;
  const parser = internal.parser;
  if (socket.destroyed || !socket.writable) return 'closed';
  if (internal._httpMessage !== response || !isServerParser(parser)) return 'unsupported';
  const listeners = SERVER_LISTENERS.map(
    ([event, name]) => [event, findListener(socket, event, name)] as const,
  );
  if (listeners.some(([, listener]) => listener === undefined)) return 'unsupported';
  for (const [event, listener] of listeners) socket.removeListener(event, listener!);
  for (const [event, name] of CONSUMED_LISTENERS) {
    const listener = findListener(socket, event, name);
    if (listener) socket.removeListener(event, listener);
  }
  // Back to reading through the socket, then free the parser (the stack that ran it is gone).
  if (parser._consumed) parser.unconsume();
  parser._consumed = false;
  parser.remove(); // from the server's list of connections it times out
  parser.socket = null;
  parser.incoming = null;
  parser.onIncoming = null;
  internal.parser = null;
  parser.close();
  response.detachSocket(socket);

  // What the server did for this connection, the stream now does itself.
  socket.setTimeout(0);
  // An error is followed by 'close', where the stream's owner removes the client.
  socket.on('error', ignoreError);
  // The client half-closed: it will read no more, so neither end has anything left to say. A
  // client that left while its request was being answered has half-closed already: its 'end'
  // came before this listener, so the socket is ended now (else it lingered until a heartbeat).
  socket.on('end', () => socket.end());
  if (socket.readableEnded) socket.end();
  let unexpectedBytes = 0;
  socket.on('data', (chunk: Buffer) => {
    unexpectedBytes += chunk.length;
    if (unexpectedBytes > MAX_UNEXPECTED_BYTES) socket.destroy();
  });
  return 'detached';
}

function isServerParser(parser: ServerParser | null | undefined): parser is ServerParser {
  return (
    typeof parser?.unconsume === 'function' &&
    typeof parser.remove === 'function' &&
    typeof parser.close === 'function'
  );
}

function findListener(socket: Socket, event: string, name: string): Listener | undefined {
  return (socket.listeners(event) as Listener[]).find((listener) => listener.name === name);
}

function ignoreError(): void {}

function ignoreOutcome(): void {}
