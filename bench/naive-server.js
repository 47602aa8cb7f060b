#!/usr/bin/env node
// The baseline for bench/fanout.js: the server most people write first. One WebSocket to the
// exchange, and for every message a loop over the clients: JSON.stringify + res.write for each
// one subscribed to that symbol. No batching, no encode-once, no backpressure handling. Reads
// BINANCE_WS_URL, BINANCE_STREAMS, SYMBOLS and PORT like the pod; `?symbols=` like the pod.
const http = require('node:http');
const WebSocket = require('../services/market-data/node_modules/ws');

const symbols = (process.env.SYMBOLS ?? 'BTCUSDT').split(',');
const kinds = (process.env.BINANCE_STREAMS ?? 'aggTrade,ticker').split(',');
const streams = symbols.flatMap((s) => kinds.map((kind) => `${s.toLowerCase()}@${kind}`));
const clients = new Set();
const latest = new Map();

const ws = new WebSocket(`${process.env.BINANCE_WS_URL}/stream?streams=${streams.join('/')}`);
ws.on('message', (raw) => {
  const { data } = JSON.parse(raw.toString());
  const tick = {
    exchange: 'binance',
    symbol: data.s,
    last: data.p ?? data.c,
    lastQty: data.q ?? data.Q,
    tradeQty: data.q,
    eventTime: data.E,
    receiveTime: Date.now(),
    source: 'ws',
  };
  latest.set(data.s, tick);
  for (const client of clients) {
    if (client.symbols.has(tick.symbol)) client.res.write(`event: tick\ndata: ${JSON.stringify(tick)}\n\n`);
  }
});

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname !== '/v1/stream') {
    res.writeHead(latest.size > 0 ? 200 : 503).end();
    return;
  }
  const wanted = new Set((url.searchParams.get('symbols') ?? symbols.join(',')).split(','));
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
  const snapshot = [...latest.values()].filter((tick) => wanted.has(tick.symbol));
  res.write(`event: snapshot\ndata: ${JSON.stringify({ tickers: snapshot })}\n\n`);
  const client = { res, symbols: wanted };
  clients.add(client);
  req.on('close', () => clients.delete(client));
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ msg: 'listening', port: server.address().port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
