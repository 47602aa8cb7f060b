/**
 * The fan-out targets the harness drives with the same feed and the same clients: a Tickwire
 * pod, the naive baseline server and nchan. Each start function resolves with the target's port,
 * the pids to measure, the subscriber path of a symbol, and a stop function.
 */
const net = require('node:net');
const path = require('node:path');
const { childPids, start, stop, waitForLine } = require('./processes');
const { NGINX_BINARY, writeNchanConfig } = require('./nchan');

const ROOT = path.join(__dirname, '..', '..');
const START_TIMEOUT_MS = 15_000;

/** Environment shared by the pod and the baseline: the same symbols and exchange streams. */
function feedEnv(feed) {
  return {
    SYMBOLS: feed.symbols.join(','),
    BINANCE_WS_URL: feed.wsUrl,
    BINANCE_REST_URL: feed.url,
    BINANCE_STREAMS: feed.streams,
  };
}

const listeningPort = (line) => (/"msg":"listening"/.test(line) ? JSON.parse(line).port : undefined);

/**
 * A Tickwire pod (services/market-data/dist/main.js) with `env` over the bench defaults;
 * `memoryProbe` preloads bench/lib/memory-probe.js and gives the target `probeMemory()`.
 * `pathFor(symbol, client)` replaces the subscriber path (a stream token per client);
 * `extraPids` are measured with the pod (its Redis).
 */
async function startPod(
  feed,
  { clients, env = {}, memoryProbe = false, name = 'tickwire pod', pathFor, extraPids = [] },
) {
  const probeArgs = memoryProbe ? ['--expose-gc', '--require', path.join(__dirname, 'memory-probe.js')] : [];
  const main = path.join(ROOT, 'services/market-data/dist/main.js');
  const { child, lines } = start(process.execPath, [...probeArgs, main], {
    PORT: '0',
    HOST: '127.0.0.1',
    // info: the harness waits for the "listening" line; a pod logs little else at info.
    LOG_LEVEL: 'info',
    // Phases at rate 0 must not look like a dead exchange feed.
    UPSTREAM_WATCHDOG_MS: '600000',
    SSE_MAX_CLIENTS: String(clients + 100),
    ...feedEnv(feed),
    ...env,
  });
  const port = await waitForLine(lines, listeningPort, START_TIMEOUT_MS, 'the pod to listen');
  return {
    name,
    port,
    pids: [child.pid, ...extraPids],
    snapshotMarker: true,
    pathFor: pathFor ?? ((symbol) => `/v1/stream?symbols=${symbol}`),
    metricsUrl: `http://127.0.0.1:${port}/metrics`,
    probeMemory: memoryProbe ? () => probeMemory(child, lines) : undefined,
    stop: () => stop(child),
  };
}

/**
 * Asks a pod started with `memoryProbe` for its memory after two full GCs
 * (bench/lib/memory-probe.js): resolves with process.memoryUsage() plus the GC pause.
 */
function probeMemory(child, lines) {
  const found = waitForLine(
    lines,
    (line) => (line.startsWith('{"memoryProbe"') ? JSON.parse(line).memoryProbe : undefined),
    START_TIMEOUT_MS,
    'the memory probe',
  );
  child.kill('SIGUSR2');
  return found;
}

/** bench/naive-server.js. */
async function startNaive(feed) {
  const { child, lines } = start(process.execPath, [path.join(__dirname, '..', 'naive-server.js')], {
    PORT: '0',
    ...feedEnv(feed),
  });
  const port = await waitForLine(lines, listeningPort, START_TIMEOUT_MS, 'the naive server to listen');
  return {
    name: 'naive node',
    port,
    pids: [child.pid],
    snapshotMarker: true,
    pathFor: (symbol) => `/v1/stream?symbols=${symbol}`,
    stop: () => stop(child),
  };
}

/** nginx + nchan, fed by bench/nchan-bridge.js. */
async function startNchan(feed, { clients, workers = 1 }) {
  const port = await freePort();
  const config = writeNchanConfig({ port, workers, maxConnections: clients + 1024 });
  const nginx = start(NGINX_BINARY, ['-e', 'stderr', '-p', config.dir, '-c', config.file]);
  await waitForPort(port, START_TIMEOUT_MS);
  const workerPids = await waitForChildren(nginx.child.pid, workers);
  const bridge = start(process.execPath, [path.join(__dirname, '..', 'nchan-bridge.js')], {
    ...feedEnv(feed),
    NCHAN_PUB_URL: `http://127.0.0.1:${port}/pub/`,
  });
  await waitForLine(
    bridge.lines,
    (line) => (line.includes('listening') ? true : undefined),
    START_TIMEOUT_MS,
    'the nchan bridge',
  );
  return {
    name: `nchan (${workers} worker${workers > 1 ? 's' : ''})`,
    port,
    pids: workerPids,
    /** The bridge's CPU is reported apart: it stands in for the exchange connection the pod holds. */
    bridgePid: bridge.child.pid,
    snapshotMarker: false,
    pathFor: (symbol) => `/sub/${symbol}`,
    stop: async () => {
      await stop(bridge.child);
      await stop(nginx.child);
    },
  };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function waitForPort(port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`nothing listens on ${port} after ${timeoutMs} ms`);
}

async function waitForChildren(pid, count) {
  for (let i = 0; i < 50; i += 1) {
    const pids = childPids(pid);
    if (pids.length >= count) return pids;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`nginx started fewer than ${count} workers`);
}

module.exports = { startPod, startNaive, startNchan };
