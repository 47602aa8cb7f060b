#!/usr/bin/env node
// Feeds nchan for bench/fanout.js: reads the simulator's stream like the pod and the naive
// server do, and POSTs each message, as the same ~200-byte tick JSON, to nchan's publisher
// location of its symbol (one channel per symbol). Reads BINANCE_WS_URL, BINANCE_STREAMS,
// SYMBOLS and NCHAN_PUB_URL (e.g. http://127.0.0.1:PORT/pub/).
const http = require('node:http');
const WebSocket = require('../services/market-data/node_modules/ws');

/** Publish requests in flight at once; keep-alive sockets are reused across them. */
const MAX_PUBLISH_SOCKETS = 8;

const symbols = (process.env.SYMBOLS ?? 'BTCUSDT').split(',');
const kinds = (process.env.BINANCE_STREAMS ?? 'aggTrade').split(',');
const streams = symbols.flatMap((s) => kinds.map((kind) => `${s.toLowerCase()}@${kind}`));
const publishUrl = new URL(process.env.NCHAN_PUB_URL);
const agent = new http.Agent({ keepAlive: true, maxSockets: MAX_PUBLISH_SOCKETS });
let failures = 0;

const ws = new WebSocket(`${process.env.BINANCE_WS_URL}/stream?streams=${streams.join('/')}`);
ws.on('open', () => process.stdout.write(`${JSON.stringify({ msg: 'listening' })}\n`));
ws.on('message', (raw) => {
  const { data } = JSON.parse(raw.toString());
  const body = JSON.stringify({
    exchange: 'binance',
    symbol: data.s,
    last: data.p ?? data.c,
    lastQty: data.q ?? data.Q,
    tradeQty: data.q,
    eventTime: data.E,
    receiveTime: Date.now(),
    source: 'ws',
  });
  const req = http.request(
    {
      agent,
      host: publishUrl.hostname,
      port: publishUrl.port,
      method: 'POST',
      path: `${publishUrl.pathname}${data.s}`,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
    },
    (res) => {
      if (res.statusCode >= 300) failures += 1;
      res.resume();
    },
  );
  req.on('error', () => (failures += 1));
  req.end(body);
});
setInterval(() => {
  if (failures > 0) process.stderr.write(`nchan-bridge: ${failures} publish failures so far\n`);
}, 10_000).unref();
process.on('SIGTERM', () => process.exit(0));
