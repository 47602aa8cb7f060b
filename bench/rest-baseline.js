#!/usr/bin/env node
// The REST baselines for bench/rest.js: a route returning a constant body of the same shape and
// size as GET /v1/prices/:symbol, either as a bare express route with express's defaults (ETag
// included) or, with BASELINE=node, as a bare node:http handler (the ceiling of any Node server).
// Reads PORT, BODY and BASELINE; prints {"msg":"listening","port":N} like the pod.
const http = require('node:http');
const express = require('../services/market-data/node_modules/express');

const body = process.env.BODY ?? '{}';
let server;
if (process.env.BASELINE === 'node') {
  const bytes = Buffer.from(body);
  server = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': bytes.length });
    res.end(bytes);
  });
} else {
  const app = express();
  app.disable('x-powered-by');
  app.get('/constant', (_req, res) => {
    res.type('application/json').send(body);
  });
  server = http.createServer(app);
}
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ msg: 'listening', port: server.address().port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
