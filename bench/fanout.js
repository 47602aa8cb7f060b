#!/usr/bin/env node
/**
 * Fan-out benchmark: the same simulator feed and the same SSE load against (a) a Tickwire pod
 * and (b) the naive baseline server (bench/naive-server.js), one after the other in the same
 * invocation, and one table of ratios. Run `pnpm build` first.
 *
 *   node bench/fanout.js [--clients 1000] [--seconds 10] [--rate 100] [--symbols 8]
 *
 * --rate is trades/s per symbol in the simulator (each trade is one tick to every client).
 * Latency is measured from the exchange event time in each payload to its arrival at the
 * client, on sampled events. Loopback only; every process started here is killed at the end.
 */
const { spawn } = require('node:child_process');
const net = require('node:net');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .reduce(
      (pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs),
      [],
    ),
);
const CLIENTS = Number(args.clients ?? 1000);
const SECONDS = Number(args.seconds ?? 10);
const RATE = Number(args.rate ?? 100);
const SYMBOL_COUNT = Number(args.symbols ?? 8);
const WARMUP_MS = 2_000;
const LATENCY_SAMPLE_EVERY = 20;
const ALL_SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'BNBUSDT', 'SOLUSDT', 'XRPUSDT', 'DOGEUSDT', 'ADAUSDT', 'TRXUSDT'];
const SYMBOLS = ALL_SYMBOLS.slice(0, SYMBOL_COUNT);
const ROOT = path.join(__dirname, '..');
const children = new Set();

function start(command, argv, env) {
  const child = spawn(process.execPath, [command, ...argv], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  const lines = readline.createInterface({ input: child.stdout });
  return { child, lines };
}

function waitForLine(lines, test, timeoutMs) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out waiting for a process to start')), timeoutMs);
    lines.on('line', (line) => {
      const found = test(line);
      if (found !== undefined) {
        clearTimeout(timer);
        resolve(found);
      }
    });
  });
}

function procStats(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)[1]);
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const cpuTicks = Number(stat[11]) + Number(stat[12]);
  return { rssKb, cpuSeconds: cpuTicks / 100 };
}

/** Opens one raw SSE connection and counts tick events; samples latency from eventTime. */
function openClient(port, stats) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(
        `GET /v1/stream?symbols=${SYMBOLS.join(',')} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`,
      );
      resolve(socket);
    });
    let pending = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      pending += chunk;
      let index;
      while ((index = pending.indexOf('event: tick\n')) !== -1) {
        const end = pending.indexOf('\n\n', index);
        if (end === -1) break;
        stats.events += 1;
        if (stats.measuring && stats.events % LATENCY_SAMPLE_EVERY === 0) {
          const match = /"eventTime":(\d+)/.exec(pending.slice(index, end));
          if (match) stats.latencies.push(Date.now() - Number(match[1]));
        }
        pending = pending.slice(end + 2);
      }
      if (pending.length > 1 << 20) pending = pending.slice(-65536);
    });
    socket.on('error', () => (stats.errors += 1));
  });
}

function percentile(sorted, p) {
  return sorted.length === 0
    ? NaN
    : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function runTarget(name, script, simWsUrl, simUrl) {
  const { child, lines } = start(script, [], {
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    SYMBOLS: SYMBOLS.join(','),
    BINANCE_WS_URL: simWsUrl,
    BINANCE_REST_URL: simUrl,
    SSE_MAX_CLIENTS: String(CLIENTS + 100),
  });
  const port = await waitForLine(
    lines,
    (line) => (/"msg":"listening"/.test(line) ? JSON.parse(line).port : undefined),
    10_000,
  );
  await new Promise((r) => setTimeout(r, 1_000));
  const before = procStats(child.pid);
  const stats = { events: 0, latencies: [], errors: 0, measuring: false };
  const sockets = [];
  for (let i = 0; i < CLIENTS; i += 1) sockets.push(await openClient(port, stats));
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  const withClients = procStats(child.pid);
  stats.measuring = true;
  const eventsAtStart = stats.events;
  const t0 = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, SECONDS * 1_000));
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  const after = procStats(child.pid);
  const delivered = stats.events - eventsAtStart;
  for (const socket of sockets) socket.destroy();
  child.kill('SIGKILL');
  const sorted = stats.latencies.sort((a, b) => a - b);
  return {
    name,
    eventsPerSecond: delivered / elapsed,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1),
    rssPerClientKb: (withClients.rssKb - before.rssKb) / CLIENTS,
    rssMb: after.rssKb / 1024,
    cpuPercent: ((after.cpuSeconds - withClients.cpuSeconds) / elapsed) * 100,
    errors: stats.errors,
  };
}

async function main() {
  const sim = start(
    path.join(ROOT, 'packages/exchange-sim/dist/cli.js'),
    ['--port', '0', '--seed', '1', '--symbols', SYMBOLS.join(','), '--rate', String(RATE)],
    {},
  );
  const simUrl = await waitForLine(
    sim.lines,
    (line) => /listening on (http:\/\/\S+)/.exec(line)?.[1],
    10_000,
  );
  const simWsUrl = simUrl.replace('http://', 'ws://');
  const offered = RATE * SYMBOLS.length * CLIENTS;
  console.log(
    `fan-out: ${CLIENTS} SSE clients x ${SYMBOLS.length} symbols, ${RATE} trades/s per symbol (~${offered} tick events/s offered), ${SECONDS} s each`,
  );
  console.log(
    `machine: ${os.cpus().length} x ${os.cpus()[0].model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${new Date().toISOString()}`,
  );
  const pod = await runTarget(
    'tickwire pod',
    path.join(ROOT, 'services/market-data/dist/main.js'),
    simWsUrl,
    simUrl,
  );
  const naive = await runTarget('naive baseline', path.join(__dirname, 'naive-server.js'), simWsUrl, simUrl);
  const rows = [pod, naive].map((r) => ({
    target: r.name,
    'events/s': Math.round(r.eventsPerSecond),
    'p50 ms': r.p50,
    'p99 ms': r.p99,
    'max ms': r.max,
    'KB/client': r.rssPerClientKb.toFixed(1),
    'RSS MB': r.rssMb.toFixed(0),
    'CPU %': r.cpuPercent.toFixed(0),
    errors: r.errors,
  }));
  console.table(rows);
  console.log(
    `ratio pod/naive: events/s ${(pod.eventsPerSecond / naive.eventsPerSecond).toFixed(2)}x, p99 ${(pod.p99 / naive.p99).toFixed(2)}x, CPU ${(pod.cpuPercent / naive.cpuPercent).toFixed(2)}x`,
  );
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const child of children) child.kill('SIGKILL');
  });
