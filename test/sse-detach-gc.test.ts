/**
 * A detached SSE stream's request and response are garbage-collected: checked in a node process
 * of its own running the built `@tickwire/service`. In a jest worker that ran other test files
 * first, something global to the worker sometimes kept the request (through 50 forced
 * collections over 2 s), which says nothing about the detach.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

const SERVICE = resolve(__dirname, '../packages/service/dist/index.js');

// The server opens a stream through an SseWriter (which detaches it), a raw client reads 50
// frames, then the process collects garbage until the request and the response are gone.
const SCRIPT = `
const { createServer } = require('node:http');
const { connect } = require('node:net');
const { SseFrame, SseWriter, isDetached } = require(${JSON.stringify(SERVICE)});
const opened = [];
const server = createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/event-stream' });
  const writer = new SseWriter(res, () => {});
  writer.write(SseFrame.fromText('data: open\\n\\n'));
  opened.push({ writer, socket: req.socket, request: new WeakRef(req), response: new WeakRef(res) });
});
server.listen(0, '127.0.0.1', () => {
  const client = connect(server.address().port, '127.0.0.1');
  let text = '';
  client.setEncoding('latin1');
  client.on('data', (chunk) => (text += chunk));
  client.write('GET /stream HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n');
  const wait = (ms) => new Promise((done) => setTimeout(done, ms));
  (async () => {
    while (opened.length === 0) await wait(5);
    await new Promise((done) => setImmediate(done));
    const stream = opened[0];
    const detached = isDetached(stream.socket);
    for (let n = 0; n < 50; n += 1) stream.writer.write(SseFrame.fromText('data: ' + n + '\\n\\n'));
    while (!text.includes('data: 49\\n')) await wait(5);
    let turns = 0;
    for (; turns < 20; turns += 1) {
      await wait(10);
      global.gc();
      if (!stream.request.deref() && !stream.response.deref()) break;
    }
    process.stdout.write(JSON.stringify({
      detached,
      requestFreed: stream.request.deref() === undefined,
      responseFreed: stream.response.deref() === undefined,
    }));
    client.destroy();
    server.closeAllConnections();
    server.close();
  })();
});
`;

describe('a detached SSE stream in a process of its own', () => {
  it('lets node free its request and response once the stream is detached', async () => {
    const output = await new Promise<string>((done, fail) =>
      execFile(
        process.execPath,
        ['--expose-gc', '-e', SCRIPT],
        { timeout: 20_000 },
        (error, stdout, stderr) => (error ? fail(new Error(`${error.message}\n${stderr}`)) : done(stdout)),
      ),
    );
    expect(JSON.parse(output)).toEqual({ detached: true, requestFreed: true, responseFreed: true });
  });
});
