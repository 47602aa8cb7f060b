import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { isDetached, MAX_UNEXPECTED_BYTES, type DetachOutcome } from './http-detach';
import { SseFrame } from './sse-frame';
import { SseWriter } from './sse-writer';

const STREAM_REQUEST = 'GET /stream HTTP/1.1\r\nHost: x\r\n\r\n';
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** Frames a test writes after the stream is detached. */
const FRAMES = 50;

interface Opened {
  writer: SseWriter;
  socket: Socket;
  /** What the writer reported about the detach, once it has. */
  outcome?: DetachOutcome;
}

/**
 * A server whose every request opens an SSE stream through an SseWriter, as the streaming services do.
 * `beforeStream` runs on each request's socket first.
 */
async function sseServer(
  beforeStream: (socket: Socket) => void = () => {},
): Promise<{ server: Server; port: number; opened: Opened[] }> {
  const opened: Opened[] = [];
  const server = createServer((req, res) => {
    beforeStream(req.socket);
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    const stream: Opened = {
      writer: new SseWriter(res, (outcome) => (stream.outcome = outcome)),
      socket: req.socket,
    };
    stream.writer.write(SseFrame.fromText('data: open\n\n'));
    opened.push(stream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, opened };
}

/** Raw bytes received on a client socket, as text. */
function rawClient(port: number, requestText: string) {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  let ended = false;
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => (text += chunk));
  socket.on('end', () => (ended = true));
  socket.write(requestText);
  return { socket, text: () => text, ended: () => ended };
}

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('detaching an SSE connection from the HTTP server', () => {
  let server: Server | undefined;
  const clients: Socket[] = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    server?.closeAllConnections();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
  });

  /** A server, a raw client whose request text is `requestText`, and the streams it opened. */
  async function connectRaw(
    requestText = STREAM_REQUEST,
    streams = 1,
    beforeStream?: (socket: Socket) => void,
  ) {
    const s = await sseServer(beforeStream);
    server = s.server;
    const client = rawClient(s.port, requestText);
    clients.push(client.socket);
    await until(() => s.opened.length === streams);
    await nextTurn(); // the detach runs on the turn after the request
    return { client, opened: s.opened };
  }

  it('takes the connection from the server, and frames still arrive in order', async () => {
    const { client, opened } = await connectRaw();
    const { writer, socket } = opened[0]!;
    expect(isDetached(socket)).toBe(true);
    expect(opened[0]!.outcome).toBe('detached');
    for (let n = 0; n < FRAMES; n += 1) writer.write(SseFrame.fromText(`data: ${n}\n\n`));
    await until(() => client.text().includes(`data: ${FRAMES - 1}\n`));
    const data = [...client.text().matchAll(/data: (\w+)\n/g)].map((m) => m[1]);
    expect(data).toEqual(['open', ...Array.from({ length: FRAMES }, (_, n) => String(n))]);
    // Chunked, as the head said.
    expect(client.text()).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*Transfer-Encoding: chunked\r\n/);
    // That node then frees the request and the response: test/sse-detach-gc.test.ts, in a node
    // process of its own (a jest worker that ran other files first sometimes kept them).
  });

  it('ends a chunked stream properly and closes the connection; the server then closes', async () => {
    const s = await sseServer();
    server = s.server;
    let body = '';
    const ended = new Promise<void>((resolve, reject) => {
      request({ port: s.port, host: '127.0.0.1', path: '/' }, (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', resolve);
      })
        .on('error', reject)
        .end();
    });
    await until(() => s.opened.length === 1);
    await nextTurn();
    const { writer, socket } = s.opened[0]!;
    expect(isDetached(socket)).toBe(true);
    writer.write(SseFrame.fromText('data: last\n\n'));
    // A grace the client (in this process) reads within even after a stall.
    writer.end(10_000);
    await ended;
    expect(body).toBe('data: open\n\ndata: last\n\n');
    // A detached connection is no longer the server's; once it is closed the server can close.
    await new Promise((resolve) => s.server.close(resolve));
    server = undefined;
  });

  it('sees the client go: a half-close is answered with a close, and the writer reports it', async () => {
    const { client, opened } = await connectRaw();
    let closed = false;
    opened[0]!.writer.onceClosed(() => (closed = true));
    client.socket.end();
    await until(() => closed && client.ended());
  });

  it('drops what a client sends on its stream, and closes it past the limit', async () => {
    const { client, opened } = await connectRaw();
    const { writer, socket } = opened[0]!;
    client.socket.write('x'.repeat(1_000));
    writer.write(SseFrame.fromText('data: still here\n\n'));
    await until(() => client.text().includes('still here'));
    expect(socket.destroyed).toBe(false);
    client.socket.write('x'.repeat(MAX_UNEXPECTED_BYTES));
    await until(() => socket.destroyed && client.ended());
  });

  it('never answers a request pipelined behind the stream, and the stream goes on', async () => {
    const { client, opened } = await connectRaw(`${STREAM_REQUEST}GET /other HTTP/1.1\r\nHost: x\r\n\r\n`, 2);
    // The second response is queued behind the stream: its writer goes through the response.
    expect(isDetached(opened[0]!.socket)).toBe(true);
    expect(opened.map((stream) => stream.outcome)).toEqual(['detached', 'queued']);
    opened[0]!.writer.write(SseFrame.fromText('data: live\n\n'));
    await until(() => client.text().includes('data: live'));
    expect(client.text().match(/HTTP\/1\.1 200/g)).toHaveLength(1);
  });

  it('leaves the connection with the server on a node whose internals differ, and says so', async () => {
    // As if a node version renamed one of the server's listeners.
    const renameTimeoutListener = (socket: Socket) => {
      const original = socket.listeners('timeout')[0] as (...args: unknown[]) => void;
      socket.removeListener('timeout', original);
      socket.on('timeout', (...args: unknown[]) => original.apply(socket, args));
    };
    const { client, opened } = await connectRaw(STREAM_REQUEST, 1, renameTimeoutListener);
    const { writer, socket } = opened[0]!;
    expect(opened[0]!.outcome).toBe('unsupported');
    expect(isDetached(socket)).toBe(false);
    writer.write(SseFrame.fromText('data: kept\n\n'));
    await until(() => client.text().includes('data: kept'));
    let closed = false;
    writer.onceClosed(() => (closed = true));
    client.socket.destroy();
    await until(() => closed);
  });

  it('reports a connection that closed before the detach ran', async () => {
    let outcome: DetachOutcome | undefined;
    server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      new SseWriter(res, (reported) => (outcome = reported)).destroy(); // on the request's turn
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const client = rawClient((server.address() as AddressInfo).port, STREAM_REQUEST);
    clients.push(client.socket);
    await until(() => outcome !== undefined);
    expect(outcome).toBe('closed');
  });
});
