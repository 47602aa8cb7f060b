/**
 * One run of bench/write-cost.js, meant to run under callgrind: an HTTP server whose N clients
 * (another process, not measured, reading everything) each open a stream, then ROUNDS rounds of
 * one write per client in the way MODE says, the event loop turning between rounds so the
 * clients read. Instructions are counted for the whole process; write-cost.js takes the
 * difference between two ROUNDS to leave start-up out. With TIMING=1 (not under callgrind) it
 * prints the CPU time its write rounds took, user and system apart, as one JSON line.
 *
 *   MODE=pod|fs|naive|idle N=300 ROUNDS=40 [TIMING=1] node bench/lib/write-cost-target.js
 */
const { fork } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { SseWriter } = require('../../packages/service/dist/sse/sse-writer');
const { SseFrame } = require('../../packages/service/dist/sse/sse-frame');

const MODE = process.env.MODE ?? 'pod';
const N = Number(process.env.N ?? 300);
const ROUNDS = Number(process.env.ROUNDS ?? 40);
const TIMING = process.env.TIMING === '1';
/** A tick as the pod and the naive server send it (about 200 bytes). */
const TICK = {
  exchange: 'binance',
  symbol: 'BTCUSDT',
  last: '67012.34000000',
  lastQty: '0.01200000',
  tradeQty: '0.01200000',
  eventTime: 1764660000000,
  receiveTime: 1764660000003,
  source: 'ws',
};

const streams = [];
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
  // The pod's writer (detached from the server, raw writes); the others keep node's response.
  const writer = MODE === 'pod' ? new SseWriter(res) : undefined;
  if (writer === undefined) res.write(': open\n\n');
  streams.push({ res, writer, socket: req.socket });
});

function writeRound(frame, fds) {
  if (MODE === 'pod') for (const stream of streams) stream.writer.write(frame);
  else if (MODE === 'fs') for (const fd of fds) fs.writeSync(fd, frame.chunked);
  else if (MODE === 'naive')
    for (const stream of streams) stream.res.write(`event: tick\ndata: ${JSON.stringify(TICK)}\n\n`);
}

server.listen(0, '127.0.0.1', async () => {
  const clients = fork(path.join(__dirname, 'drain-clients.js'), [String(server.address().port), String(N)], {
    execPath: process.env.CLIENT_NODE ?? 'node',
  });
  while (streams.length < N) await new Promise((resolve) => setTimeout(resolve, 10));
  await new Promise((resolve) => setTimeout(resolve, 50)); // the pod's detach runs on a later turn
  const frame = SseFrame.fromText(`event: tick\ndata: ${JSON.stringify(TICK)}\n\n`);
  const fds = streams.map((stream) => stream.socket._handle.fd);
  let userUs = 0;
  let systemUs = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    const before = TIMING ? process.cpuUsage() : undefined;
    writeRound(frame, fds);
    // node's response corks the socket and writes on the next tick: wait for that too.
    await new Promise((resolve) => process.nextTick(resolve));
    if (before) {
      const spent = process.cpuUsage(before);
      userUs += spent.user;
      systemUs += spent.system;
    }
    await new Promise((resolve) => setTimeout(resolve, 2)); // the clients read
  }
  if (TIMING) process.stdout.write(`${JSON.stringify({ userUs, systemUs, writes: N * ROUNDS })}\n`);
  clients.kill('SIGKILL');
  process.exit(0);
});
