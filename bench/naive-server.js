#!/usr/bin/env node
// The baseline for bench/fanout.js: the server most people write first. One WebSocket to the
// exchange, and for every message a JSON.stringify + res.write per client. No batching, no
// encode-once, no backpressure handling. Reads BINANCE_WS_URL, SYMBOLS, PORT like the pod.
const http = require('node:http');
const WebSocket = require('../services/market-data/node_modules/ws');

const symbols = (process.env.SYMBOLS ?? 'BTCUSDT').split(',');
const streams = symbols.flatMap((s) => [`${s.toLowerCase()}@aggTrade`, `${s.toLowerCase()}@ticker`]);
const clients = new Set();
const latest = new Map();

const ws = new WebSocket(`${process.env.BINANCE_WS_URL}/stream?streams=${streams.join('/')}`);
ws.on('message', (raw) => {
  const { data } = JSON.parse(raw.toString());
  const tick = {
    exchange: 'binance',
    symbol: data.s,
    last: data.p ?? data.c,
    eventTime: data.E,
    receiveTime: Date.now(),
  };
  latest.set(data.s, tick);
  for (const res of clients) res.write(`event: tick\ndata: ${JSON.stringify(tick)}\n\n`);
});

const server = http.createServer((req, res) => {
  if (!req.url.startsWith('/v1/stream')) {
    res.writeHead(latest.size > 0 ? 200 : 503).end();
    return;
  }
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
  res.write(`event: snapshot\ndata: ${JSON.stringify([...latest.values()])}\n\n`);
  clients.add(res);
  req.on('close', () => clients.delete(res));
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ msg: 'listening', port: server.address().port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
